using System.Diagnostics;
using System.Diagnostics.Metrics;
using AddonProvider.Web.Configuration;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AddonProvider.Web.Hosting;

/// <summary>
/// Our own traces and metrics. Always recorded (cheap when nobody listens); exported over OTLP only when
/// OTEL_EXPORTER_OTLP_ENDPOINT is set (the standard OpenTelemetry variables configure the exporter).
/// </summary>
public static class Telemetry
{
    public const string Name = "AddonProvider";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    public static readonly Histogram<double> ProvisionDuration =
        Meter.CreateHistogram<double>("addon.provision.duration", "ms", "Partner API provision latency, by product and outcome");
    public static readonly Counter<long> SsoLogins =
        Meter.CreateCounter<long>("addon.sso.logins", description: "SSO logins, by product and outcome");
    public static readonly Histogram<double> JobDuration =
        Meter.CreateHistogram<double>("addon.job.duration", "ms", "Background job duration, by kind and outcome");
    public static readonly Counter<long> NotificationsSent =
        Meter.CreateCounter<long>("addon.notifications.delivered", description: "Security notices delivered, by outcome");
    public static readonly Counter<long> RateLimitRejections =
        Meter.CreateCounter<long>("addon.rate_limited", description: "Requests refused by a rate limit, by product and limit");

    public static IServiceCollection AddTelemetry(this IServiceCollection services, Settings settings)
    {
        if (settings.Optional("OTEL_EXPORTER_OTLP_ENDPOINT") is null) return services;
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(settings.Optional("OTEL_SERVICE_NAME") ?? "addon-provider"))
            .WithTracing(t => t.AddSource(Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation())
            .WithMetrics(m => m.AddMeter(Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation())
            .UseOtlpExporter();
        return services;
    }
}
