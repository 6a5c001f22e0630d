using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Distribution.Tests.Remote;

/// <summary>
/// A fake clock (<see cref="FakeTimeProvider"/>) that also reports every timer created on it with its due
/// time: a test sees that a retry waits exactly what Retry-After asked, then advances the clock past it.
/// </summary>
internal sealed class TimerRecordingTimeProvider : TimeProvider
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly Channel<TimeSpan> created = Channel.CreateUnbounded<TimeSpan>();

    public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

    public override long GetTimestamp() => clock.GetTimestamp();

    public override long TimestampFrequency => clock.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => clock.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = clock.CreateTimer(callback, state, dueTime, period);
        created.Writer.TryWrite(dueTime);
        return timer;
    }

    public void Advance(TimeSpan delta) => clock.Advance(delta);

    /// <summary>Waits (at most 30 s, then fails) until a timer due after exactly <paramref name="dueTime"/> is created.</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await created.Reader.ReadAsync(timeout.Token) != dueTime)
        {
        }
    }
}
