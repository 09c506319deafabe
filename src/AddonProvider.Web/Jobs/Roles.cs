namespace AddonProvider.Web.Jobs;

/// <summary>What a process does: serve HTTP (`web`), run jobs (`worker`), or both (`all`, the development default).</summary>
[Flags]
public enum Roles { Web = 1, Worker = 2, All = Web | Worker }

public static class RoleParser
{
    public static Roles Parse(string? value, bool isDevelopment) => value?.ToLowerInvariant() switch
    {
        null or "" => isDevelopment ? Roles.All : Roles.Web,
        "web" => Roles.Web,
        "worker" => Roles.Worker,
        "all" => Roles.All,
        _ => throw new InvalidOperationException($"--role must be web, worker or all, got '{value}'."),
    };
}
