namespace AddonProvider.Web.Configuration;

/// <summary>
/// Which environment we run in: what ASP.NET itself reads (--environment, ASPNETCORE_ENVIRONMENT, DOTNET_ENVIRONMENT),
/// and Production when none is given, as in ASP.NET. `dotnet run` gets Development from Properties/launchSettings.json and
/// `./dev.sh run` sets it; nothing else does. A Heroku dyno (DYNO is set) is never Development: the development values
/// are public, so a dyno configured that way refuses to start.
/// </summary>
public static class HostEnvironment
{
    public static string Resolve(string[] args, Func<string, string?>? variable = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        var environment = Given(args, variable) ?? Environments.Production;
        if (environment == Environments.Development && variable("DYNO") is { Length: > 0 } dyno)
            throw new InvalidOperationException(
                $"The environment is Development on the Heroku dyno {dyno}: its public development secrets must never serve real traffic. " +
                "Unset ASPNETCORE_ENVIRONMENT/DOTNET_ENVIRONMENT (Production is the default) or set it to Production.");
        return environment;
    }

    private static string? Given(string[] args, Func<string, string?> variable)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--environment" && i + 1 < args.Length) return args[i + 1];
            if (args[i].StartsWith("--environment=", StringComparison.Ordinal)) return args[i]["--environment=".Length..];
        }
        return variable("ASPNETCORE_ENVIRONMENT") is { Length: > 0 } a ? a
            : variable("DOTNET_ENVIRONMENT") is { Length: > 0 } d ? d
            : null;
    }
}
