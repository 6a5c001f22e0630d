namespace EdgeRegistry.Origin.Metadata;

/// <summary>A project (OpenShift namespace): the first path component of its repositories. <see cref="Public"/> projects may be pulled anonymously.</summary>
internal sealed record ProjectRecord(string Name, bool Public, DateTimeOffset Created);
