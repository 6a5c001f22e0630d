namespace EdgeRegistry.Edge.Tests.Harness;

/// <summary>Waits for a condition that becomes true asynchronously (a background fill); fails the test when it never does.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"never happened: {what}");
    }
}
