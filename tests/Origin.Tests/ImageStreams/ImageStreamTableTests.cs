using EdgeRegistry.Origin.ImageStreams;

namespace EdgeRegistry.Origin.Tests.ImageStreams;

public sealed class ImageStreamTableTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Format_NoStreams_PrintsTheSeedsEmptyHeader()
    {
        Assert.Equal("NAME      DOCKER REPO   TAGS      UPDATED\n", ImageStreamTable.Format([], Now));
    }

    [Fact]
    public void Format_OneStream_PrintsTheSeedsRow()
    {
        var stream = new ImageStream(
            "test",
            "busybox",
            "172.30.11.215:5000/test/busybox",
            [new ImageStreamTagStatus("latest", [new TagEvent(Now.AddSeconds(-2), "172.30.11.215:5000/test/busybox@sha256:aa", "sha256:aa")])]);

        var table = ImageStreamTable.Format([stream], Now);

        Assert.Equal(
            "NAME      DOCKER REPO                       TAGS      UPDATED\n" +
            "busybox   172.30.11.215:5000/test/busybox   latest    2 seconds ago\n",
            table);
    }

    [Fact]
    public void Format_SeveralTags_JoinsWithCommasAndUsesTheLatestMove()
    {
        var stream = new ImageStream(
            "p",
            "app",
            "r:5000/p/app",
            [
                new ImageStreamTagStatus("latest", [new TagEvent(Now.AddHours(-3), "x", "sha256:a")]),
                new ImageStreamTagStatus("v1", [new TagEvent(Now.AddMinutes(-5), "y", "sha256:b"), new TagEvent(Now.AddDays(-1), "z", "sha256:c")]),
            ]);

        Assert.EndsWith("latest,v1   5 minutes ago\n", ImageStreamTable.Format([stream], Now), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "Less than a second")]
    [InlineData(1, "1 second")]
    [InlineData(59, "59 seconds")]
    [InlineData(60, "About a minute")]
    [InlineData(150, "2 minutes")]
    [InlineData(3600, "About an hour")]
    [InlineData(5 * 3600, "5 hours")]
    [InlineData(3 * 86400, "3 days")]
    [InlineData(20 * 86400, "2 weeks")]
    [InlineData(90 * 86400, "3 months")]
    [InlineData(800 * 86400, "2 years")]
    public void HumanDuration_Seconds_ReadsAsDockerSaysIt(int seconds, string expected)
    {
        Assert.Equal(expected, ImageStreamTable.HumanDuration(TimeSpan.FromSeconds(seconds)));
    }
}
