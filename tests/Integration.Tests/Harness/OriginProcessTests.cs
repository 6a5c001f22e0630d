namespace EdgeRegistry.Integration.Tests.Harness;

public sealed class OriginProcessTests
{
    [Fact]
    public void BuildConfig_PortAndStorage_WritesListenAddressFilesystemRootAndDelete()
    {
        var yaml = OriginProcess.BuildConfig(45678, "/tmp/it's here", "notifications:\n  endpoints: []");

        var lines = yaml.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        Assert.Equal("version: 0.1", lines[0]);
        Assert.Contains("  addr: 127.0.0.1:45678", lines);
        Assert.Contains("    rootdirectory: '/tmp/it''s here'", lines);
        Assert.Contains("    enabled: true", lines);
        Assert.Contains("notifications:", lines);
    }

    [Fact]
    public void FindOriginDll_AfterBuild_FindsTheOriginNextToItsRuntimeConfig()
    {
        var dll = OriginLocator.FindOriginDll();

        Assert.Equal("EdgeRegistry.Origin.dll", Path.GetFileName(dll));
        Assert.True(File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")), dll);
    }
}
