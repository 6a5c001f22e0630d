using System.Collections;
using EdgeRegistry.Distribution.Http;
using Microsoft.AspNetCore.Connections;
using System.Security.Cryptography.X509Certificates;

namespace EdgeRegistry.Edge.Configuration;

/// <summary>Registers <see cref="EdgeOptions"/> and configures Kestrel and logging from it.</summary>
public static class EdgeConfigurationExtensions
{
    /// <summary>
    /// Uses <paramref name="options"/> when given (tests), else loads the YAML file and <c>EDGE_</c>
    /// environment; throws <see cref="EdgeConfigurationException"/> naming every bad key.
    /// </summary>
    public static WebApplicationBuilder AddEdgeConfiguration(this WebApplicationBuilder builder, string[] args, EdgeOptions? options = null)
    {
        if (options is null)
        {
            var environment = Environment.GetEnvironmentVariables()
                .Cast<DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
            options = EdgeConfigurationLoader.Load(args, environment);
        }
        else if (EdgeOptionsValidator.Validate(options) is { Count: > 0 } errors)
        {
            throw new EdgeConfigurationException(errors);
        }

        builder.Services.AddSingleton(options);
        builder.Logging.SetMinimumLevel(Enum.Parse<LogLevel>(options.Log.Level, ignoreCase: true));

        var endpoint = EdgeOptionsValidator.ParseListen(options.Listen)!;
        builder.WebHost.UseUrls();
        if (options.Tls.Enabled)
        {
            // The slim builder leaves HTTPS out unless asked for.
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        // Large receive blocks: a layer pushed through the edge is then a few thousand recv calls, not one per 4 KiB.
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Pushes go through the edge: a layer upload is as large as the layer.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.AddServerHeader = false;
            kestrel.Listen(endpoint, listen =>
            {
                if (options.Tls.Enabled)
                {
                    listen.UseHttps(X509Certificate2.CreateFromPemFile(options.Tls.Certificate!, options.Tls.Key));
                }
            });
        });
        return builder;
    }
}
