using System.Text.Json;

namespace EdgeRegistry.Origin.Storage.S3;

/// <summary>
/// The state of a file whose writer ended without committing (a PATCH that ended), kept in S3 so that any
/// origin replica can continue it: the open multipart upload of the file's key with the parts uploaded so
/// far (each at least 5 MiB), and the tail of bytes too short to be a part yet. Stored as one object, the
/// manifest as one line of JSON followed by <c>\n</c> and the tail's bytes; its size in the object's
/// metadata too, so a stat needs only a HEAD.
/// </summary>
internal sealed class S3PartialFile
{
    /// <summary>The metadata entry (<c>x-amz-meta-size</c>) with the file's size in bytes.</summary>
    public const string SizeMetadata = "x-amz-meta-size";

    /// <summary>The metadata entry (<c>x-amz-meta-uploadid</c>) naming the multipart upload, so a delete can abort it after a HEAD.</summary>
    public const string UploadIdMetadata = "x-amz-meta-uploadid";

    /// <summary>The multipart upload holding the parts; null while every byte is in the tail.</summary>
    public string? UploadId { get; set; }

    /// <summary>The parts uploaded, in order.</summary>
    public List<S3UploadedPart> Parts { get; init; } = [];

    /// <summary>Bytes in <see cref="Parts"/>.</summary>
    public long PartBytes => Parts.Sum(part => part.Size);

    /// <summary>The manifest line (without the tail).</summary>
    public byte[] SerializeManifest()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", 1);
            if (UploadId is not null)
            {
                writer.WriteString("uploadId", UploadId);
            }

            writer.WriteStartArray("parts");
            foreach (var part in Parts)
            {
                writer.WriteStartObject();
                writer.WriteNumber("number", part.Number);
                writer.WriteString("etag", part.ETag);
                writer.WriteNumber("size", part.Size);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        // Compact JSON escapes every control character in strings, so the first '\n' ends the manifest.
        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    /// <summary>
    /// Parses an object written from <see cref="SerializeManifest"/> plus the tail; returns the manifest and
    /// where the tail starts. <see cref="FormatException"/> when the object is not one.
    /// </summary>
    public static (S3PartialFile Partial, int TailOffset) Parse(ReadOnlySpan<byte> content)
    {
        var newline = content.IndexOf((byte)'\n');
        if (newline < 0)
        {
            throw new FormatException("the partial file has no manifest line");
        }

        try
        {
            using var document = JsonDocument.Parse(content[..newline].ToArray());
            var root = document.RootElement;
            if (root.GetProperty("version").GetInt32() != 1)
            {
                throw new FormatException("unknown partial file version");
            }

            var partial = new S3PartialFile
            {
                UploadId = root.TryGetProperty("uploadId", out var uploadId) ? uploadId.GetString() : null,
            };
            foreach (var part in root.GetProperty("parts").EnumerateArray())
            {
                partial.Parts.Add(new S3UploadedPart(
                    part.GetProperty("number").GetInt32(),
                    part.GetProperty("etag").GetString() ?? throw new FormatException("a part has no etag"),
                    part.GetProperty("size").GetInt64()));
            }

            return (partial, newline + 1);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("the partial file's manifest is not valid", exception);
        }
    }
}
