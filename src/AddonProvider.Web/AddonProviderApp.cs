using AddonProvider.Web.Configuration;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Health;
using AddonProvider.Web.Heroku;
using AddonProvider.Web.Inference;
using AddonProvider.Web.Provisioning;
using AddonProvider.Web.Secrets;

namespace AddonProvider.Web;

/// <summary>The table of contents: which features the service has and in what order requests meet them.</summary>
public static class AddonProviderApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, EnvironmentName = HostEnvironment.Resolve(args) });
        configure?.Invoke(builder);
        var settings = new Settings(builder.Configuration, builder.Environment.IsProduction());
        if (builder.Configuration["urls"] is null && builder.Configuration["ASPNETCORE_URLS"] is null)
            builder.WebHost.UseUrls($"http://*:{settings.Optional("PORT") ?? "5000"}");

        builder.Services
            .AddPlatform(settings)
            .AddProblemResponses()
            .AddHerokuPartnerAuth()
            .AddProvisioning()
            .AddInference(settings);

        var app = builder.Build();
        if (app.Services.GetRequiredService<SecretBox>().UsesDevKey)
            app.Logger.LogWarning("SECRETS_KEY is not set: secrets are encrypted with the public development key. Never use this with real data.");
        app.UseRouterRequestId();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthEndpoints();
        app.MapProvisioningEndpoints();
        app.MapInferenceEndpoints();
        return app;
    }
}
