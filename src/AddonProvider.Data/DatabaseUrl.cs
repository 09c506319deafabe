using Npgsql;

namespace AddonProvider.Data;

/// <summary>Turns Heroku's <c>postgres://user:pass@host:port/db</c> into an Npgsql connection string.</summary>
public static class DatabaseUrl
{
    public static string ToConnectionString(string databaseUrl, int? maxPoolSize = null, bool? requireSsl = null)
    {
        if (!databaseUrl.StartsWith("postgres://", StringComparison.Ordinal) && !databaseUrl.StartsWith("postgresql://", StringComparison.Ordinal))
            return Tune(new NpgsqlConnectionStringBuilder(databaseUrl), maxPoolSize); // already a key=value connection string

        var uri = new Uri(databaseUrl);
        var userInfo = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
            Username = Uri.UnescapeDataString(userInfo[0]),
            Password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : null,
        };
        // Heroku Postgres requires TLS; its certificates are not signed for the host name we connect to.
        var ssl = requireSsl ?? !(uri.Host is "localhost" or "127.0.0.1" or "::1");
        if (ssl) builder.SslMode = SslMode.Require;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv[0] == "sslmode" && kv.Length == 2 && Enum.TryParse<SslMode>(kv[1], ignoreCase: true, out var mode))
                builder.SslMode = mode;
        }
        return Tune(builder, maxPoolSize);
    }

    /// <summary>
    /// We keep no session state on pooled connections, so skip the reset on return; statements the service runs
    /// on every request are prepared server-side after a few uses.
    /// </summary>
    public static string Tune(NpgsqlConnectionStringBuilder builder, int? maxPoolSize = null)
    {
        builder.NoResetOnClose = true;
        builder.MaxAutoPrepare = 64;
        builder.AutoPrepareMinUsages = 3;
        if (maxPoolSize is { } max) builder.MaxPoolSize = max;
        return builder.ConnectionString;
    }
}
