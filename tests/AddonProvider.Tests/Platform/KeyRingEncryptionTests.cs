using System.Net;
using System.Security.Cryptography;
using System.Xml.Linq;
using AddonProvider.Data;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AddonProvider.Tests.Platform;

/// <summary>
/// The Data Protection key ring (dashboard/operator session cookies, antiforgery tokens) is stored in PostgreSQL
/// sealed with SECRETS_KEY: a dump cannot forge sessions, yet every dyno with the key shares the sessions.
/// </summary>
public sealed class KeyRingEncryptionTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task KeyRing_IsStoredSealedWithSecretsKey_NoMasterKeyInPlaintext()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "test");
        await (await KeyRing.LoginAsync(app, id, new CookieContainer())).GetStringAsync($"/dashboard/{id}/mobiloud");

        var rows = await KeyRing.RowsAsync(app.ConnectionString);
        Assert.NotEmpty(rows);
        foreach (var xml in rows)
        {
            Assert.DoesNotContain("masterKey", xml);
            Assert.DoesNotContain("<value>", xml);
            var sealedSecret = XElement.Parse(xml).Descendants(SecretBoxXmlEncryptor.ElementName).Single().Value;
            Assert.StartsWith("v1.", sealedSecret);

            // The sealed element is the key's secret, and SECRETS_KEY opens it.
            var opened = XElement.Parse(app.Decrypt(sealedSecret));
            Assert.Equal("masterKey", opened.Name.LocalName);
            var masterKey = opened.Descendants().Single(e => e.Name.LocalName == "value").Value;
            Assert.True(Convert.FromBase64String(masterKey).Length >= 32);
            Assert.DoesNotContain(masterKey, xml);
        }
    }

    [Fact]
    public async Task DashboardSession_IssuedByOneDyno_IsAcceptedByAnother_WithTheSameSecretsKey()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "test");
        var cookies = new CookieContainer();
        var first = await KeyRing.LoginAsync(app, id, cookies);
        var token = await AppFixture.AntiforgeryTokenAsync(first, $"/dashboard/{id}/mobiloud");

        // A second web dyno: its own process memory, the same database and SECRETS_KEY (the development key here).
        await using var other = await KeyRing.StartAsync(app.ConnectionString, new Dictionary<string, string?>());
        using var second = KeyRing.Client(other, cookies);
        Assert.Contains("name=\"website_url\"", await second.GetStringAsync($"/dashboard/{id}/mobiloud"));
        // The first dyno's antiforgery token also holds on the second.
        using var saved = await second.PostAsync($"/dashboard/{id}/mobiloud/website", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["website_url"] = "https://shop.example.com", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        await using var db = app.Db();
        Assert.True(await db.MobiLoudApps.AnyAsync(a => a.ResourceId == id));
        Assert.Single(await KeyRing.RowsAsync(app.ConnectionString)); // the second dyno used the ring, made no key of its own
    }

    [Fact]
    public async Task DashboardSession_SurvivesASecretsKeyRotation_ThroughSecretsKeyPrevious()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "test");
        var cookies = new CookieContainer();
        await KeyRing.LoginAsync(app, id, cookies);

        // Rotated: a new SECRETS_KEY, the old (development) key moved to SECRETS_KEY_PREVIOUS.
        await using var rotated = await KeyRing.StartAsync(app.ConnectionString, new Dictionary<string, string?>
        {
            ["SECRETS_KEY"] = KeyRing.NewSecretsKey(), ["SECRETS_KEY_PREVIOUS"] = SecretBox.DevKey,
        });
        using var client = KeyRing.Client(rotated, cookies);
        Assert.Contains("name=\"website_url\"", await client.GetStringAsync($"/dashboard/{id}/mobiloud"));
        Assert.Single(await KeyRing.RowsAsync(app.ConnectionString));
    }
}

/// <summary>A dyno configured with another SECRETS_KEY shares the database but cannot open the key ring.</summary>
public sealed class KeyRingForeignSecretsKeyTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task DashboardSession_IsRefusedWithTheSignInPage_ByADynoWithAnotherSecretsKey()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "test");
        var cookies = new CookieContainer();
        await KeyRing.LoginAsync(app, id, cookies);
        Assert.Single(await KeyRing.RowsAsync(app.ConnectionString));

        await using var foreign = await KeyRing.StartAsync(app.ConnectionString, new Dictionary<string, string?> { ["SECRETS_KEY"] = KeyRing.NewSecretsKey() });
        using var client = KeyRing.Client(foreign, cookies);
        using var page = await client.GetAsync($"/dashboard/{id}/mobiloud");
        var body = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.Unauthorized, $"expected the sign-in page, got {(int)page.StatusCode}: {body}");
        Assert.Contains("Please sign in", body);
        Assert.DoesNotContain("website_url", body);

        // The foreign dyno still works for its own sessions (it made a key sealed with its own SECRETS_KEY) ...
        var fresh = new CookieContainer();
        using (var login = KeyRing.Client(foreign, fresh))
        using (var signedIn = await login.PostAsync("/sso/login", new FormUrlEncodedContent(app.SsoForm(id, "mobiloud"))))
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(2, (await KeyRing.RowsAsync(app.ConnectionString)).Count);
        // ... and the first dyno's session is still good on the first dyno.
        using var original = app.NewBrowserClient(cookies);
        Assert.Contains("name=\"website_url\"", await original.GetStringAsync($"/dashboard/{id}/mobiloud"));
    }
}

/// <summary>
/// An older version of the service still running beside the new one (a rolling deploy): the same Data Protection
/// setup without the XML encryptor, so the key ring it writes holds the master key in plaintext, as before.
/// </summary>
public sealed class LegacyKeyRingFixture : AppFixture
{
    public const string Purpose = "legacy-key-ring-test";
    public WebApplication OldVersion { get; private set; } = null!;
    public string ProtectedByOldVersion { get; private set; } = "";

    protected override async Task BeforeStartAsync(string connectionString)
    {
        OldVersion = BuildApp(connectionString, new Dictionary<string, string?>(),
            configureServices: s => s.PostConfigure<KeyManagementOptions>(o => o.XmlEncryptor = null));
        await OldVersion.StartAsync();
        ProtectedByOldVersion = OldVersion.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect("written before encryption");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (OldVersion is not null) await OldVersion.DisposeAsync();
    }
}

public sealed class LegacyKeyRingTests(LegacyKeyRingFixture app) : IClassFixture<LegacyKeyRingFixture>
{
    [Fact]
    public async Task PlaintextKey_WrittenBeforeEncryption_StillOpensOldPayloadsAndSessions()
    {
        var legacy = (await KeyRing.RowsAsync(app.ConnectionString)).First();
        Assert.Contains("<value>", legacy);
        Assert.DoesNotContain(SecretBoxXmlEncryptor.ElementName, legacy);

        var provider = app.App.Services.GetRequiredService<IDataProtectionProvider>();
        Assert.Equal("written before encryption", provider.CreateProtector(LegacyKeyRingFixture.Purpose).Unprotect(app.ProtectedByOldVersion));

        // A customer signed in on the old version; the new version keeps the session.
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "test");
        var cookies = new CookieContainer();
        using (var old = KeyRing.Client(app.OldVersion, cookies))
        using (var signedIn = await old.PostAsync("/sso/login", new FormUrlEncodedContent(app.SsoForm(id, "mobiloud"))))
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        using var upgraded = app.NewBrowserClient(cookies);
        Assert.Contains("name=\"website_url\"", await upgraded.GetStringAsync($"/dashboard/{id}/mobiloud"));
        Assert.Equal(legacy, (await KeyRing.RowsAsync(app.ConnectionString)).First()); // read as it was, not rewritten
    }
}

internal static class KeyRing
{
    public static async Task<List<string>> RowsAsync(string connectionString)
    {
        await using var db = new AddonDbContext(new DbContextOptionsBuilder<AddonDbContext>().UseNpgsql(connectionString).Options);
        return await db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml!).ToListAsync();
    }

    public static string NewSecretsKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>SSO login on <paramref name="app"/>; the session cookie lands in <paramref name="cookies"/>.</summary>
    public static async Task<HttpClient> LoginAsync(AppFixture app, Guid id, CookieContainer cookies)
    {
        var client = app.NewBrowserClient(cookies);
        using var response = await client.PostAsync("/sso/login", new FormUrlEncodedContent(app.SsoForm(id, "mobiloud")));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"SSO login answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    public static async Task<WebApplication> StartAsync(string connectionString, IDictionary<string, string?> settings)
    {
        var app = AppFixture.BuildApp(connectionString, settings);
        await app.StartAsync();
        return app;
    }

    /// <summary>A browser-like client for another instance; cookies are kept per host, not per port, so they carry over.</summary>
    public static HttpClient Client(WebApplication instance, CookieContainer cookies) =>
        new(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = AppFixture.AddressOf(instance),
        };
}
