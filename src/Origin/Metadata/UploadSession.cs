namespace EdgeRegistry.Origin.Metadata;

/// <summary>A blob upload in progress. Its bytes live at the upload's storage path; the offset is the file's size.</summary>
public sealed record UploadSession(string Repository, string Id, DateTimeOffset Started);
