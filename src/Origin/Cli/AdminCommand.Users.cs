using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.ImageStreams;

namespace EdgeRegistry.Origin.Cli;

/// <summary>Users and their tokens: <c>create-user</c>, <c>set-password</c>, <c>delete-user</c>, <c>token</c>, <c>tokens</c> and <c>revoke-token</c>.</summary>
internal sealed partial class AdminCommand
{
    private async Task CreateUserAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        var user = User(args.Word(1, "USER"));
        args.NoMoreThan(2);
        var hash = args.Flag("--password-stdin") ? UserDirectory.HashPassword(await ReadPasswordAsync()) : null;
        if (!await _store.CreateUserAsync(user, hash, cancellationToken))
        {
            throw new AdminFailureException($"user \"{user}\" already exists");
        }

        await _output.WriteLineAsync($"user \"{user}\" created{(hash is null ? " (no password: log in with tokens from admin token)" : string.Empty)}");
        await WarnIfAuthOffAsync();
    }

    private async Task SetPasswordAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        var user = User(args.Word(1, "USER"));
        args.NoMoreThan(2);
        if (!args.Flag("--password-stdin"))
        {
            throw new AdminUsageException("set-password reads the password from stdin: give --password-stdin");
        }

        if (!await _store.SetPasswordHashAsync(user, UserDirectory.HashPassword(await ReadPasswordAsync()), cancellationToken))
        {
            throw new AdminFailureException($"user \"{user}\" not found (users of the htpasswd file change their password there)");
        }

        await _output.WriteLineAsync($"password of \"{user}\" set");
    }

    private async Task DeleteUserAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        var user = User(args.Word(1, "USER"));
        args.NoMoreThan(2);
        if (!await _store.DeleteUserAsync(user, cancellationToken))
        {
            throw new AdminFailureException($"user \"{user}\" not found");
        }

        await _output.WriteLineAsync($"user \"{user}\" deleted with their tokens and role bindings");
    }

    private async Task TokenAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        var user = User(args.Word(1, "USER"));
        args.NoMoreThan(2);
        if (!await _users.ExistsAsync(user, cancellationToken))
        {
            throw new AdminFailureException($"user \"{user}\" not found (create it with admin create-user, or add it to the htpasswd file)");
        }

        TimeSpan? lifetime = _options.Auth?.OpenShift.AccessTokenLifetime ?? TimeSpan.FromHours(24);
        if (args.Option("expires") is { } expires)
        {
            if (expires == "never")
            {
                lifetime = null;
            }
            else if (GoDuration.TryParse(expires, out var parsed) && parsed > TimeSpan.Zero)
            {
                lifetime = parsed;
            }
            else
            {
                throw new AdminUsageException($"--expires {expires}: expected a duration such as 24h or 30m, or never");
            }
        }

        var (token, _) = await _tokens.MintAsync(user, lifetime, args.Option("description") ?? "admin token", cancellationToken);
        // The token is the command's output (as oc whoami -t): stdout only, nothing else on that stream.
        await _output.WriteLineAsync(token);
        await WarnIfAuthOffAsync();
    }

    private async Task TokensAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        var user = User(args.Word(1, "USER"));
        args.NoMoreThan(2);
        var now = _time.GetUtcNow();
        var rows = new List<string[]> { new[] { "ID", "DESCRIPTION", "CREATED", "EXPIRES", "STATUS" } };
        foreach (var token in await _store.ListAccessTokensAsync(user, cancellationToken))
        {
            var status = token.Revoked is not null ? "revoked" : token.Expires is { } e && e <= now ? "expired" : "active";
            rows.Add([token.Id, token.Description ?? string.Empty, Time(token.Created), token.Expires is { } x ? Time(x) : "never", status]);
        }

        await _output.WriteAsync(ImageStreamTable.FormatRows(rows));
    }

    private async Task RevokeTokenAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        if (args.Option("user") is { } userOption)
        {
            args.NoMoreThan(1);
            var count = await _store.RevokeAccessTokensOfUserAsync(User(userOption), cancellationToken);
            await _output.WriteLineAsync($"{count} token(s) of \"{userOption}\" revoked");
            return;
        }

        var given = args.Word(1, "ID or TOKEN");
        args.NoMoreThan(2);
        var id = AccessTokenService.IdOf(given) ?? given;
        if (await _store.GetAccessTokenAsync(id, cancellationToken) is null)
        {
            throw new AdminFailureException($"token {id} not found");
        }

        await _output.WriteLineAsync(await _store.RevokeAccessTokenAsync(id, cancellationToken) ? $"token {id} revoked" : $"token {id} was already revoked");
    }
}
