namespace AddonProvider.Web.Configuration;

/// <summary>
/// Reads the flat, Heroku-style variables of contract.md. Only Development falls back to documented dev values; every
/// other environment (Production, Staging, a typo) fails closed: a missing or dev-valued secret stops start-up with a
/// message naming the variable.
/// </summary>
public sealed class Settings(IConfiguration configuration, string environment)
{
    public string Environment { get; } = environment;

    /// <summary>Exactly "Development": the only environment where the public development values apply.</summary>
    public bool IsDevelopment { get; } = environment == Environments.Development;

    public bool IsProduction { get; } = environment == Environments.Production;

    public string? Optional(string name)
    {
        var value = configuration[name];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>A plain setting: the dev default applies only in Development.</summary>
    public string Get(string name, string devDefault) =>
        Optional(name) ?? (IsDevelopment ? devDefault : throw Missing(name));

    /// <summary>A secret: in Development the dev value applies; anywhere else the dev value itself is refused.</summary>
    public string Secret(string name, string devValue)
    {
        var value = Optional(name);
        if (IsDevelopment) return value ?? devValue;
        if (value is null) throw Missing(name);
        if (value == devValue)
            throw new InvalidOperationException($"{name} holds the development value; set a real secret in {Environment}.");
        return value;
    }

    public int GetInt(string name, int fallback) =>
        Optional(name) is { } s
            ? int.TryParse(s, out var v) ? v : throw new InvalidOperationException($"{name} must be an integer, got '{s}'.")
            : fallback;

    public TimeSpan GetDuration(string name, TimeSpan fallback) =>
        Optional(name) is { } s
            ? ParseDuration(s) ?? throw new InvalidOperationException($"{name} must be a duration such as 200ms, 30s, 15m, 2h or 30d, got '{s}'.")
            : fallback;

    public static TimeSpan? ParseDuration(string s)
    {
        if (s.EndsWith("ms", StringComparison.Ordinal) && int.TryParse(s[..^2], out var ms) && ms >= 0) return TimeSpan.FromMilliseconds(ms);
        if (s.Length < 2 || !int.TryParse(s[..^1], out var n) || n < 0) return TimeSpan.TryParse(s, out var ts) ? ts : null;
        return s[^1] switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => null,
        };
    }

    private InvalidOperationException Missing(string name) =>
        new($"{name} is required in {Environment} (see the configuration section of README.md; only Development has defaults).");
}
