namespace AddonProvider.Web.Configuration;

/// <summary>
/// Which environment we run in. An explicit --environment or ASPNETCORE_ENVIRONMENT/DOTNET_ENVIRONMENT wins;
/// otherwise a Heroku dyno (DYNO is set on every dyno) is Production and anything else is Development,
/// so `dotnet run` works on a laptop and a forgotten variable on Heroku never falls back to dev secrets.
/// </summary>
public static class HostEnvironment
{
    public static string Resolve(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--environment" && i + 1 < args.Length) return args[i + 1];
            if (args[i].StartsWith("--environment=", StringComparison.Ordinal)) return args[i]["--environment=".Length..];
        }
        return Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is { Length: > 0 } a ? a
            : Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is { Length: > 0 } d ? d
            : Environment.GetEnvironmentVariable("DYNO") is { Length: > 0 } ? Environments.Production
            : Environments.Development;
    }
}
