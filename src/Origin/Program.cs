using EdgeRegistry.Origin.Cli;
using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Hosting;

// edgeregistry-origin [serve] [config.yml]: with no file and no REGISTRY_CONFIGURATION_PATH the embedded
// default runs (127.0.0.1:5000, filesystem and SQLite under ./data, auth with a bootstrap administrator).
// edgeregistry-origin admin <verb> ...: the administrator's command line on the same configuration and data.
if (args.Length > 0 && args[0] == "admin")
{
    return await AdminCommand.RunAsync(
        args[1..], OriginConfigurationLoader.ProcessEnvironment(), Console.In, Console.Out, Console.Error, TimeProvider.System, CancellationToken.None);
}

var arguments = args.Length > 0 && args[0] == "serve" ? args[1..] : args;
var configPath = arguments.FirstOrDefault(a => !a.StartsWith('-'));
try
{
    var options = OriginConfigurationLoader.Load(configPath, OriginConfigurationLoader.ProcessEnvironment());
    var app = OriginApp.Build(options, []);
    await app.RunAsync();
    return 0;
}
catch (ConfigurationException exception)
{
    foreach (var error in exception.Errors)
    {
        Console.Error.WriteLine($"configuration error: {error}");
    }

    return 2;
}
catch (IOException exception) when (exception.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    // Kestrel's bind failure: say it in one line, not with a stack trace.
    Console.Error.WriteLine($"cannot listen: {exception.Message}");
    return 1;
}
