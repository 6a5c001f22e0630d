using EdgeRegistry.Edge;
using EdgeRegistry.Edge.Configuration;

WebApplication app;
try
{
    app = EdgeApp.Build(args);
}
catch (EdgeConfigurationException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}

await app.RunAsync();
return 0;
