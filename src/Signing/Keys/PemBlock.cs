using System.Text.RegularExpressions;

namespace EdgeRegistry.Signing.Keys;

/// <summary>
/// One <c>-----BEGIN label----- … -----END label-----</c> block of a PEM text (RFC 7468), with the
/// RFC 1421 headers (<c>Proc-Type</c>, <c>DEK-Info</c>) that OpenSSL's traditional encrypted keys carry.
/// </summary>
/// <param name="Label">The label after <c>BEGIN</c>, such as <c>RSA PRIVATE KEY</c>.</param>
/// <param name="Headers">The header lines before the base64 data, as written; empty for RFC 7468 PEM.</param>
/// <param name="Base64">The base64 data with all whitespace removed.</param>
internal sealed partial record PemBlock(string Label, IReadOnlyList<string> Headers, string Base64)
{
    /// <summary>Whether the block is an OpenSSL traditional encrypted key (<c>Proc-Type: 4,ENCRYPTED</c>).</summary>
    public bool IsProcTypeEncrypted =>
        Headers.Any(h => h.StartsWith("Proc-Type:", StringComparison.OrdinalIgnoreCase)
            && h.Contains("ENCRYPTED", StringComparison.OrdinalIgnoreCase));

    /// <summary>Finds every block in <paramref name="text"/>; text between blocks is ignored, as OpenSSL does.</summary>
    /// <exception cref="FormatException">A block is not terminated, or its END label differs from its BEGIN label.</exception>
    public static IReadOnlyList<PemBlock> FindAll(string text)
    {
        var blocks = new List<PemBlock>();
        var position = 0;
        while (true)
        {
            var begin = BeginLine().Match(text, position);
            if (!begin.Success)
            {
                return blocks;
            }

            var label = begin.Groups["label"].Value;
            var end = EndLine().Match(text, begin.Index + begin.Length);
            if (!end.Success)
            {
                throw new FormatException($"the PEM block '{label}' has no END line");
            }

            if (end.Groups["label"].Value != label)
            {
                throw new FormatException($"the PEM block '{label}' ends with the label '{end.Groups["label"].Value}'");
            }

            var body = text[(begin.Index + begin.Length)..end.Index];
            blocks.Add(Parse(label, body));
            position = end.Index + end.Length;
        }
    }

    /// <summary>Decodes the base64 data, or returns false if it is not valid base64.</summary>
    public bool TryDecode(out byte[] der)
    {
        der = new byte[Base64.Length * 3 / 4];
        if (Base64.Length > 0 && Convert.TryFromBase64String(Base64, der, out var written))
        {
            der = der[..written];
            return true;
        }

        der = [];
        return false;
    }

    private static PemBlock Parse(string label, string body)
    {
        var lines = body.Split('\n', StringSplitOptions.TrimEntries);
        var headers = new List<string>();
        var data = new System.Text.StringBuilder(body.Length);
        var inHeaders = true;
        foreach (var line in lines)
        {
            if (inHeaders && line.Contains(':'))
            {
                headers.Add(line);
                continue;
            }

            if (line.Length > 0)
            {
                inHeaders = false;
                foreach (var c in line)
                {
                    if (!char.IsWhiteSpace(c))
                    {
                        data.Append(c);
                    }
                }
            }
        }

        return new PemBlock(label, headers, data.ToString());
    }

    [GeneratedRegex(@"-----BEGIN (?<label>[^\r\n]*?)-----", RegexOptions.CultureInvariant)]
    private static partial Regex BeginLine();

    [GeneratedRegex(@"-----END (?<label>[^\r\n]*?)-----", RegexOptions.CultureInvariant)]
    private static partial Regex EndLine();
}
