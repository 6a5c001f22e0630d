using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.S3;

/// <summary>Two origin processes started with the same options, as replicas behind a load balancer; disposing stops both.</summary>
internal sealed class OriginReplicas : IAsyncDisposable
{
    private OriginReplicas(OriginProcess first, OriginProcess second)
    {
        First = first;
        Second = second;
    }

    public OriginProcess First { get; }

    public OriginProcess Second { get; }

    /// <summary>Starts both at once (so start-up work such as a schema migration races as it would in a rollout).</summary>
    public static async Task<OriginReplicas> StartAsync(OriginOptions options, CancellationToken cancellationToken)
    {
        var starting = new[] { OriginProcess.StartAsync(options, cancellationToken), OriginProcess.StartAsync(options, cancellationToken) };
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var start in starting.Where(start => start.IsCompletedSuccessfully))
            {
                await start.Result.DisposeAsync();
            }

            throw;
        }

        return new OriginReplicas(starting[0].Result, starting[1].Result);
    }

    public async ValueTask DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
    }
}
