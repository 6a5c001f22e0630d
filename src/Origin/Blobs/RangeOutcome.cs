namespace EdgeRegistry.Origin.Blobs;

/// <summary>What a <c>Range</c> header asks of a representation.</summary>
internal enum RangeOutcome
{
    Full,
    Partial,
    Unsatisfiable,
}
