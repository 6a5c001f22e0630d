namespace EdgeRegistry.Origin.Cli;

/// <summary><c>create-project</c> and <c>set-project</c>.</summary>
internal sealed partial class AdminCommand
{
    private async Task CreateProjectAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        var name = Project(args.Word(1, "PROJECT"));
        args.NoMoreThan(2);
        if (!await _store.CreateProjectAsync(name, args.Flag("--public"), cancellationToken))
        {
            throw new AdminFailureException($"project \"{name}\" already exists");
        }

        await _output.WriteLineAsync($"project \"{name}\" created{(args.Flag("--public") ? " (public)" : string.Empty)}");
    }

    private async Task SetProjectAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        var name = Project(args.Word(1, "PROJECT"));
        args.NoMoreThan(2);
        if (args.Flag("--public") == args.Flag("--private"))
        {
            throw new AdminUsageException("give exactly one of --public and --private");
        }

        if (!await _store.SetProjectPublicAsync(name, args.Flag("--public"), cancellationToken))
        {
            throw new AdminFailureException($"project \"{name}\" not found");
        }

        await _output.WriteLineAsync($"project \"{name}\" is now {(args.Flag("--public") ? "public" : "private")}");
    }
}
