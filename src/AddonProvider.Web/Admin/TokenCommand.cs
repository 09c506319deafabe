using AddonProvider.Web.Configuration;

namespace AddonProvider.Web.Admin;

/// <summary>`token --subject &lt;name&gt; --role &lt;role&gt; [--role ...] [--ttl 1h]`: prints an operator JWT on stdout and nothing else.</summary>
public static class TokenCommand
{
    public const string Usage = "usage: token --subject <name> --role <operator|security> [--role ...] [--ttl 1h]";

    public static int Run(string[] args)
    {
        string? subject = null;
        var roles = new List<string>();
        var ttl = TimeSpan.FromHours(1);
        for (var i = 1; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--subject" when value is not null: subject = value; i++; break;
                case "--role" when value is not null: roles.Add(value); i++; break;
                case "--ttl" when value is not null:
                    if (Settings.ParseDuration(value) is not { } parsed || parsed <= TimeSpan.Zero || parsed > TimeSpan.FromDays(1))
                        return Fail($"--ttl must be a duration between 1s and 1d, such as 15m or 1h; got '{value}'.");
                    ttl = parsed; i++; break;
                default: return Fail(Usage);
            }
        }
        if (string.IsNullOrWhiteSpace(subject) || roles.Count == 0) return Fail(Usage);
        if (roles.FirstOrDefault(r => !AdminRoles.All.Contains(r)) is { } unknown)
            return Fail($"unknown role '{unknown}'; one of: {string.Join(", ", AdminRoles.All)}");

        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        try
        {
            var settings = new Settings(configuration, HostEnvironment.Resolve([]));
            System.Console.Out.Write(AdminTokens.Mint(AdminJwtSettings.From(settings), subject, roles, ttl));
            return 0;
        }
        catch (InvalidOperationException e)
        {
            return Fail(e.Message);
        }
    }

    private static int Fail(string message)
    {
        System.Console.Error.WriteLine(message);
        return 2;
    }
}
