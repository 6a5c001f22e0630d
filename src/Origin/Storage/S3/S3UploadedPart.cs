namespace EdgeRegistry.Origin.Storage.S3;

/// <summary>One part of an open multipart upload: its number (1-based), the ETag S3 returned and its size in bytes.</summary>
internal sealed record S3UploadedPart(int Number, string ETag, long Size);
