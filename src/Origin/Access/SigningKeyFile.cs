using System.Security.Cryptography;

namespace EdgeRegistry.Origin.Access;

/// <summary>
/// The HMAC key registry tokens are signed with: 32 random bytes in a file of the data directory, created on
/// first start with mode 0600 (owner read and write only) and read on every later start, so tokens survive a
/// restart. Several processes starting at once agree on one key: creation is exclusive and the losers read
/// the winner's file.
/// </summary>
internal static class SigningKeyFile
{
    public const string FileName = "registry-token.key";
    public const int KeyLength = 32;

    /// <summary>Reads the key from <paramref name="path"/>, creating the file when missing.</summary>
    /// <exception cref="InvalidOperationException">The file exists but does not hold a key of the right length.</exception>
    public static byte[] LoadOrCreate(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        for (var attempt = 0; ; attempt++)
        {
            if (File.Exists(path))
            {
                var existing = File.ReadAllBytes(path);
                if (existing.Length == KeyLength)
                {
                    return existing;
                }

                // A creator may be between creating and writing the file.
                if (attempt < 20)
                {
                    Thread.Sleep(50);
                    continue;
                }

                throw new InvalidOperationException($"The token signing key '{path}' is not {KeyLength} bytes long; delete it to generate a new one.");
            }

            var key = RandomNumberGenerator.GetBytes(KeyLength);
            try
            {
                using var stream = SecretFile.CreateNew(path);
                stream.Write(key);
                stream.Flush(flushToDisk: true);
                return key;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use that one.
            }
        }
    }
}
