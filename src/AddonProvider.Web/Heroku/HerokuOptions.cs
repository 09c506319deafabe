using AddonProvider.Web.Configuration;

namespace AddonProvider.Web.Heroku;

/// <summary>Where Heroku is and how patiently we talk to it. The URLs point at the simulator in development.</summary>
public sealed record HerokuOptions(
    Uri ApiUrl,
    Uri IdUrl,
    int MaxAttempts,
    TimeSpan MaxRetryDelay,
    TimeSpan RefreshBeforeExpiry,
    TimeSpan AsyncProvisionWindow,
    TimeSpan OwnerEmailMaxAge,
    TimeSpan AccessListMaxAge)
{
    public static HerokuOptions From(Settings settings) => new(
        Url(settings, "HEROKU_API_URL", "https://api.heroku.com"),
        Url(settings, "HEROKU_ID_URL", "https://id.heroku.com"),
        Math.Max(1, settings.GetInt("HEROKU_API_MAX_ATTEMPTS", 4)),
        settings.GetDuration("HEROKU_API_MAX_RETRY_DELAY", TimeSpan.FromSeconds(30)),
        TimeSpan.FromMinutes(5),
        settings.GetDuration("ASYNC_PROVISION_WINDOW", TimeSpan.FromHours(12)),
        settings.GetDuration("OWNER_EMAIL_MAX_AGE", TimeSpan.FromDays(7)),
        settings.GetDuration("ACCESS_LIST_MAX_AGE", TimeSpan.FromHours(1)));

    // Heroku's own URLs are the right default everywhere, Production included.
    private static Uri Url(Settings settings, string name, string fallback)
    {
        var raw = settings.Optional(name) ?? fallback;
        return Uri.TryCreate(raw.TrimEnd('/') + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new InvalidOperationException($"{name} must be an absolute http(s) URL, got '{raw}'.");
    }
}
