using System.Net;

namespace EdgeRegistry.Edge.Cache;

/// <summary>
/// How a fill's request to the origin went: streaming (<see cref="Streaming"/>), refused by the origin
/// (status, headers and small body to pass back to the client whose credentials were used), or the
/// origin could not be reached (<see cref="Unreachable"/>).
/// </summary>
internal sealed record FillStart(bool Streaming, HttpStatusCode Status, IReadOnlyList<KeyValuePair<string, string[]>> Headers, byte[] Body)
{
    public static readonly FillStart Ok = new(true, HttpStatusCode.OK, [], []);

    public static readonly FillStart Unreachable = new(false, HttpStatusCode.ServiceUnavailable, [], []);
}
