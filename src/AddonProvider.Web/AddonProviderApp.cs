using AddonProvider.Web.Admin;
using AddonProvider.Web.AppLogs;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Configuration;
using AddonProvider.Web.Console;
using AddonProvider.Web.Credentials;
using AddonProvider.Web.Dashboard;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Health;
using AddonProvider.Web.Heroku;
using AddonProvider.Web.Hosting;
using AddonProvider.Web.Inference;
using AddonProvider.Web.Jobs;
using AddonProvider.Web.Kafka;
using AddonProvider.Web.MobiLoud;
using AddonProvider.Web.Provisioning;
using AddonProvider.Web.Secrets;
using AddonProvider.Web.Security;
using AddonProvider.Web.Sso;
using AddonProvider.Web.UsageWarnings;

namespace AddonProvider.Web;

/// <summary>The table of contents: which features the service has and in what order requests meet them.</summary>
public static class AddonProviderApp
{
    /// <summary>The add-ons this service sells; each registers its product type in its own <c>AddXxx</c>.</summary>
    public static readonly IReadOnlyList<ProductInfo> Products = [MobiLoudProduct.Facts, KafkaProduct.Facts, InferenceProduct.Facts];

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, EnvironmentName = HostEnvironment.Resolve(args) });
        configure?.Invoke(builder);
        var settings = new Settings(builder.Configuration, builder.Environment.EnvironmentName);
        builder.ConfigureLogging(settings);
        var roles = RoleParser.Parse(builder.Configuration["role"], builder.Environment.IsDevelopment());
        if (builder.Configuration["urls"] is null && builder.Configuration["ASPNETCORE_URLS"] is null)
            // A worker-only dyno receives no traffic; it still answers health probes on a private port.
            builder.WebHost.UseUrls(roles.HasFlag(Roles.Web) ? $"http://*:{settings.Optional("PORT") ?? "5000"}" : "http://127.0.0.1:0");

        builder.Services
            .AddPlatform(settings)
            .AddSecrets(settings)
            .AddProblemResponses()
            .AddPageProblems()
            .AddRouterRealities(settings)
            .AddTelemetry(settings)
            .AddExceptionHandler<DatabaseUnavailable>()
            .AddJobs(settings, roles)
            .AddAppLogs()
            .AddUsageWarnings()
            .AddHeroku(settings)
            .AddCredentialRotation(settings)
            .AddProvisioning(settings)
            .AddSso(settings)
            .AddMobiLoud()
            .AddKafka(settings)
            .AddInference(settings)
            .AddAdmin(settings)
            .AddConsole(settings)
            .AddSecurityAdvisories(settings, builder.Environment.ContentRootPath);

        var app = builder.Build();
        // Built from every registered product's variables; resolved now so a missing secret stops start-up, naming it.
        app.Services.GetRequiredService<AddonCredentials>();
        app.Services.GetRequiredService<OAuthClientSecrets>();
        if (app.Services.GetRequiredService<SecretBox>().UsesDevKey)
            app.Logger.LogWarning("SECRETS_KEY is not set: secrets are encrypted with the public development key. Never use this with real data.");
        app.UseRouterRealities();
        app.UseRouterRequestId();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseRequestTimeouts();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseBodySizeGate();
        app.UseAntiforgery();
        app.UseOutageRetry();

        app.MapHealthEndpoints();
        if (!roles.HasFlag(Roles.Web)) return app;
        app.MapProvisioningEndpoints();
        app.MapSsoEndpoints();
        app.MapMobiLoudAppConfig();
        app.MapInferenceEndpoints();
        var dashboard = app.MapDashboard();
        dashboard.MapProductPages();
        dashboard.MapSecurityDashboard();
        dashboard.MapUsageWarningBanner();
        app.MapAdminEndpoints();
        app.MapMobiLoudAdmin();
        app.MapAdminUsageWarningEndpoints();
        app.MapConsoleEndpoints().MapUsageWarningConsole();
        app.MapSecurityEndpoints();
        return app;
    }
}
