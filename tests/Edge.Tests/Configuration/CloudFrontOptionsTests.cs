using EdgeRegistry.Edge.Configuration;

namespace EdgeRegistry.Edge.Tests.Configuration;

/// <summary>The <c>cloudFront</c> section: binding from YAML and <c>EDGE_CLOUDFRONT_*</c>, defaults and rules.</summary>
public sealed class CloudFrontOptionsTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    private const string Origin = """
        origin:
          url: http://origin.registry.svc:5000
        """;

    [Fact]
    public void Parse_CloudFrontSection_BindsEveryKey()
    {
        var options = EdgeConfigurationLoader.Parse(Origin + """

            cloudFront:
              baseUrl: https://d111111abcdef8.cloudfront.net/
              privateKey: /etc/edge/cloudfront.pem
              keyPairId: K2JCJMDEHXQW5F
              duration: 10m
              thresholdBytes: 32MiB
              backgroundFill: true
              rootDirectory: /registry
            """, NoEnvironment);

        var cloudFront = options.CloudFront;
        Assert.True(cloudFront.Enabled);
        Assert.Equal(new Uri("https://d111111abcdef8.cloudfront.net/"), cloudFront.BaseUrl);
        Assert.Equal("/etc/edge/cloudfront.pem", cloudFront.PrivateKey);
        Assert.Equal("K2JCJMDEHXQW5F", cloudFront.KeyPairId);
        Assert.Equal(TimeSpan.FromMinutes(10), cloudFront.Duration);
        Assert.Equal(32L * 1024 * 1024, cloudFront.ThresholdBytes);
        Assert.True(cloudFront.BackgroundFill);
        Assert.Equal("/registry", cloudFront.RootDirectory);
    }

    [Fact]
    public void Parse_NoSection_RedirectsOffWithDefaults()
    {
        var cloudFront = EdgeConfigurationLoader.Parse(Origin, NoEnvironment).CloudFront;

        Assert.False(cloudFront.Enabled);
        Assert.Equal(TimeSpan.FromMinutes(20), cloudFront.Duration);
        Assert.Equal(64L * 1024 * 1024, cloudFront.ThresholdBytes);
        Assert.False(cloudFront.BackgroundFill);
        Assert.Equal(string.Empty, cloudFront.RootDirectory);
    }

    [Fact]
    public void Parse_Environment_EnablesRedirects()
    {
        var environment = new Dictionary<string, string?>
        {
            ["EDGE_CLOUDFRONT_BASEURL"] = "https://cdn.example.com/registry/",
            ["EDGE_CLOUDFRONT_PRIVATEKEY"] = "/secrets/cf.pem",
            ["EDGE_CLOUDFRONT_KEYPAIRID"] = "APKAEXAMPLE",
            ["EDGE_CLOUDFRONT_BACKGROUNDFILL"] = "False",
            ["EDGE_CLOUDFRONT_THRESHOLDBYTES"] = "1048576",
        };

        var cloudFront = EdgeConfigurationLoader.Parse(Origin, environment).CloudFront;

        Assert.Equal(new Uri("https://cdn.example.com/registry/"), cloudFront.BaseUrl);
        Assert.Equal("APKAEXAMPLE", cloudFront.KeyPairId);
        Assert.False(cloudFront.BackgroundFill);
        Assert.Equal(1048576, cloudFront.ThresholdBytes);
    }

    [Fact]
    public void Parse_BrokenSection_EveryErrorNamesItsKey()
    {
        var error = Assert.Throws<EdgeConfigurationException>(() => EdgeConfigurationLoader.Parse(Origin + """

            cloudFront:
              baseUrl: ftp://d111111abcdef8.cloudfront.net/
              keyPairId: K2-JCJ
              duration: 0s
              thresholdBytes: lots
              backgroundFill: sometimes
              rootDirectory: a/../b
              signer: openssl
            """, NoEnvironment));

        Assert.Contains(error.Errors, e => e.StartsWith("cloudFront.baseUrl: 'ftp://", StringComparison.Ordinal));
        Assert.Contains("cloudFront.privateKey: required with cloudFront.baseUrl (path of the PEM RSA private key)", error.Errors);
        Assert.Contains(error.Errors, e => e.StartsWith("cloudFront.keyPairId: 'K2-JCJ' is not a CloudFront key pair ID", StringComparison.Ordinal));
        Assert.Contains("cloudFront.duration: must be at least 1s", error.Errors);
        Assert.Contains(error.Errors, e => e.StartsWith("cloudFront.thresholdBytes: 'lots' is not a size", StringComparison.Ordinal));
        Assert.Contains("cloudFront.backgroundFill: 'sometimes' is not true or false", error.Errors);
        Assert.Contains(error.Errors, e => e.StartsWith("cloudFront.rootDirectory:", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("cloudFront.signer: unknown key", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_KeyWithoutBaseUrl_AsksForTheBaseUrl()
    {
        var error = Assert.Throws<EdgeConfigurationException>(() => EdgeConfigurationLoader.Parse(
            Origin, new Dictionary<string, string?> { ["EDGE_CLOUDFRONT_PRIVATEKEY"] = "/secrets/cf.pem" }));

        Assert.StartsWith("cloudFront.baseUrl: required when cloudFront.privateKey or cloudFront.keyPairId is set", Assert.Single(error.Errors), StringComparison.Ordinal);
    }
}
