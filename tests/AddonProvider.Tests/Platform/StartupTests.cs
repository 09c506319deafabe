using System.Net;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Configuration;

namespace AddonProvider.Tests.Platform;

public sealed class StartupTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static Dictionary<string, string?> ProductionSettings()
    {
        var s = new Dictionary<string, string?>
        {
            ["PUBLIC_BASE_URL"] = "https://addons.example.com",
            ["SECRETS_KEY"] = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i + 7)).ToArray()),
            ["KAFKA_BROKERS_US"] = "b1.us:9096", ["KAFKA_BROKERS_EU"] = "b1.eu:9096",
            ["ADMIN_JWT_SIGNING_KEY"] = "a-real-admin-signing-key-of-more-than-32-bytes",
            ["ADMIN_JWT_ISSUER"] = "addon-provider", ["ADMIN_JWT_AUDIENCE"] = "addon-provider-admin",
            ["SMTP_URL"] = "smtp://mailer:secret@smtp.example.com:587", ["MAIL_FROM"] = "security@addons.example.com",
            ["OPERATORS_EMAIL"] = "ops@addons.example.com", ["SECURITY_EMAIL"] = "security-team@addons.example.com",
        };
        foreach (var p in new[] { "MOBILOUD", "KAFKACLUSTER", "INFERENCE" })
        {
            s[$"ADDON_{p}_PASSWORD"] = $"real-{p}-password";
            s[$"ADDON_{p}_SSO_SALT"] = $"real-{p}-salt";
            s[$"ADDON_{p}_OAUTH_CLIENT_SECRET"] = $"real-{p}-oauth";
        }
        return s;
    }

    [Theory]
    [InlineData("ADDON_KAFKACLUSTER_PASSWORD", null, "ADDON_KAFKACLUSTER_PASSWORD is required in Production")]
    [InlineData("ADDON_INFERENCE_SSO_SALT", "dev-inference-sso-salt-not-for-production", "ADDON_INFERENCE_SSO_SALT holds the development value")]
    [InlineData("SECRETS_KEY", null, "SECRETS_KEY is required in Production")]
    [InlineData("SECRETS_KEY", "ZGV2LXNlY3JldHMta2V5LW5vdC1mb3ItcHJvZC11c2U=", "SECRETS_KEY holds the development value")]
    [InlineData("SECRETS_KEY", "c2hvcnQ=", "SECRETS_KEY must be the base64 encoding of 32 random bytes")]
    [InlineData("PUBLIC_BASE_URL", "http://addons.example.com", "PUBLIC_BASE_URL must be https in Production")]
    [InlineData("KAFKA_BROKERS_EU", null, "KAFKA_BROKERS_EU is required in Production")]
    [InlineData("ADMIN_JWT_SIGNING_KEY", null, "ADMIN_JWT_SIGNING_KEY is required in Production")]
    [InlineData("ADMIN_JWT_SIGNING_KEY", "dev-admin-jwt-signing-key-not-for-production-use", "ADMIN_JWT_SIGNING_KEY holds the development value")]
    [InlineData("ADMIN_JWT_SIGNING_KEY", "too-short", "ADMIN_JWT_SIGNING_KEY must be at least 32 bytes")]
    [InlineData("SMTP_URL", null, "SMTP_URL is required in Production")]
    [InlineData("MAIL_FROM", null, "MAIL_FROM is required in Production")]
    [InlineData("OPERATORS_EMAIL", null, "OPERATORS_EMAIL is required in Production")]
    [InlineData("OPERATORS_EMAIL", "ops team", "OPERATORS_EMAIL must be an email address")]
    [InlineData("SECURITY_EMAIL", null, "SECURITY_EMAIL is required in Production")]
    [InlineData("SECURITY_EMAIL", "security team", "SECURITY_EMAIL must be an email address")]
    public async Task Production_RefusesToStartOnMissingOrDevSecrets_NamingTheVariable(string variable, string? value, string message)
    {
        var settings = ProductionSettings();
        settings[variable] = value;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var built = AppFixture.BuildApp(app.ConnectionString, settings, environment: "Production");
            await built.StartAsync();
        });
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task Production_StartsWithRealSecrets()
    {
        await using var built = AppFixture.BuildApp(app.ConnectionString, ProductionSettings(), environment: "Production");
        await built.StartAsync();
        await built.StopAsync();
    }

    [Fact]
    public async Task Health_LiveAndReady_Answer200OnAMigratedDatabase()
    {
        await (await app.Client.GetAsync("/health/live")).ExpectAsync(HttpStatusCode.OK);
        var ready = await (await app.Client.GetAsync("/health/ready")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("ready", ready.GetProperty("status").GetString());
    }

    [Fact]
    public async Task UnknownRoute_IsAProblemWithoutInternals()
    {
        var response = await app.Client.GetAsync("/no/such/route");
        await response.ExpectProblemAsync(HttpStatusCode.NotFound, "Not Found");
    }

    [Theory]
    [InlineData("Staging")]
    [InlineData("Prodution")] // a typo is not Development either
    public async Task AnyEnvironmentButDevelopment_WithoutSecrets_RefusesToStart_NamingTheVariable(string environment)
    {
        // Only the database is given: every secret would fall back to its public development value if anything did.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var built = AppFixture.BuildApp(app.ConnectionString, new Dictionary<string, string?>(), environment: environment);
            await built.StartAsync();
        });
        Assert.Matches($@"^[A-Z_]+ is required in {environment} ", error.Message);
    }

    [Theory]
    [InlineData("ADDON_MOBILOUD_PASSWORD", "dev-mobiloud-password-not-for-production", "ADDON_MOBILOUD_PASSWORD holds the development value; set a real secret in Staging")]
    [InlineData("SECRETS_KEY", null, "SECRETS_KEY is required in Staging")]
    public async Task Staging_RefusesMissingOrDevSecrets_LikeProduction(string variable, string? value, string message)
    {
        var settings = ProductionSettings();
        settings[variable] = value;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var built = AppFixture.BuildApp(app.ConnectionString, settings, environment: "Staging");
            await built.StartAsync();
        });
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task Staging_StartsWithRealSecrets()
    {
        await using var built = AppFixture.BuildApp(app.ConnectionString, ProductionSettings(), environment: "Staging");
        await built.StartAsync();
        await built.StopAsync();
    }

    [Fact]
    public void Environment_IsProductionUnlessGiven_AndNeverDevelopmentOnADyno()
    {
        Assert.Equal("Production", HostEnvironment.Resolve([], _ => null));
        Assert.Equal("Staging", HostEnvironment.Resolve([], v => v == "ASPNETCORE_ENVIRONMENT" ? "Staging" : null));
        Assert.Equal("Development", HostEnvironment.Resolve(["--environment", "Development"], _ => null));
        Assert.Equal("Production", HostEnvironment.Resolve([], v => v == "DYNO" ? "web.1" : null));
        var refused = Assert.Throws<InvalidOperationException>(() =>
            HostEnvironment.Resolve([], v => v switch { "DYNO" => "web.1", "ASPNETCORE_ENVIRONMENT" => "Development", _ => null }));
        Assert.Contains("Development on the Heroku dyno web.1", refused.Message);
    }
}
