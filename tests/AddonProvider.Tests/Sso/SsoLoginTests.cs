using System.Net;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Dashboard;
using AddonProvider.Web.Sso;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AddonProvider.Tests.Sso;

public sealed class SsoLoginTests(SsoFixture app) : IClassFixture<SsoFixture>
{
    private long Now => app.Clock.GetUtcNow().ToUnixTimeSeconds();

    private async Task<HttpResponseMessage> PostAsync(Dictionary<string, string> form, HttpClient? client = null) =>
        await (client ?? app.NewBrowserClient()).PostAsync("/sso/login", new FormUrlEncodedContent(form));

    private static async Task ExpectRefusedAsync(HttpResponseMessage response, string message)
    {
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"expected 403, got {(int)response.StatusCode}: {html}");
        Assert.Contains(System.Net.WebUtility.HtmlEncode(message), html);
        Assert.DoesNotContain("set-cookie", response.Headers.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Login_UserScopedToken_SetsSessionAndNavCookiesAndRedirectsToTheDashboard()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        using var response = await PostAsync(app.SsoForm(id, "mobiloud", navData: "eyJhcHAiOiJhY21lIn0"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/dashboard/{id}", response.Headers.Location!.OriginalString);
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        var session = cookies.Single(c => c.StartsWith(DashboardSession.CookieName + "="));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", session, StringComparison.OrdinalIgnoreCase); // plain http here
        Assert.Contains("path=/", session);
        // A browser-session cookie; the ticket inside carries its own expiry (Session_ExpiresAfterItsLifetime).
        var nav = cookies.Single(c => c.StartsWith("heroku-nav-data="));
        Assert.StartsWith("heroku-nav-data=eyJhcHAiOiJhY21lIn0;", nav);
        Assert.Contains("path=/", nav);

        await using var db = app.Db();
        var user = await db.SsoUsers.SingleAsync(u => u.ResourceId == id);
        Assert.Equal((AppFixture.UserId, AppFixture.UserEmail, true), (user.UserId, user.Email, user.Verified));
    }

    [Fact]
    public async Task Login_BehindHerokusRouterOnHttps_MarksCookiesSecure()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var request = new HttpRequestMessage(HttpMethod.Post, "/sso/login") { Content = new FormUrlEncodedContent(app.SsoForm(id, "mobiloud")) };
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await app.NewBrowserClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.All(response.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData(SsoTokenKind.UserScoped)]
    [InlineData(SsoTokenKind.Resource)]
    [InlineData(SsoTokenKind.Legacy)]
    public async Task Login_EachTokenForm_OpensTheDashboard(SsoTokenKind kind)
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var client = app.NewBrowserClient();
        using var response = await PostAsync(app.SsoForm(id, "mobiloud", kind: kind), client);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        using var page = await client.GetAsync($"/dashboard/{id}/mobiloud");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("id=\"heroku-header\"", await page.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(SsoTokenKind.UserScoped)]
    [InlineData(SsoTokenKind.Resource)]
    [InlineData(SsoTokenKind.Legacy)]
    public async Task Login_WrongSalt_Is403ForEachTokenForm(SsoTokenKind kind)
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        await ExpectRefusedAsync(await PostAsync(app.SsoForm(id, "mobiloud", kind: kind, salt: "not-the-salt")), SsoLogin.Refused);
    }

    [Fact]
    public async Task Login_PreviousSaltDuringRotation_IsAccepted()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        using var response = await PostAsync(app.SsoForm(id, "mobiloud", salt: SsoFixture.PreviousSalt));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Fact]
    public async Task Login_UpperCaseHexDigest_IsAccepted()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var form = app.SsoForm(id, "mobiloud");
        form["user_scoped_resource_token"] = form["user_scoped_resource_token"].ToUpperInvariant();
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(form)).StatusCode);
    }

    [Fact]
    public async Task Login_EmailChangedAfterSigning_Is403()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var form = app.SsoForm(id, "mobiloud");
        form["email"] = "attacker@example.com";
        await ExpectRefusedAsync(await PostAsync(form), SsoLogin.Refused);
    }

    [Fact]
    public async Task Login_ForgedStrongTokenBesideAValidWeakOne_Is403()
    {
        // The strongest token present is the one checked; a valid weaker one cannot carry a forged stronger one.
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var form = app.SsoForm(id, "mobiloud", kind: SsoTokenKind.Resource);
        form["user_scoped_resource_token"] = new string('a', 64);
        await ExpectRefusedAsync(await PostAsync(form), SsoLogin.Refused);
    }

    [Fact]
    public async Task Login_ValidTokenOfAnotherResource_Is403()
    {
        var (a, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var (b, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var form = app.SsoForm(a, "mobiloud");
        form["resource_id"] = b.ToString();
        await ExpectRefusedAsync(await PostAsync(form), SsoLogin.Refused);
    }

    [Theory]
    [InlineData(-300, true)]  // exactly five minutes old
    [InlineData(-301, false)]
    [InlineData(60, true)]    // exactly one minute ahead
    [InlineData(61, false)]
    public async Task Login_TimestampWindow_AcceptsFiveMinutesOldAndOneMinuteAhead(int offsetSeconds, bool accepted)
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        using var response = await PostAsync(app.SsoForm(id, "mobiloud", timestamp: Now + offsetSeconds));
        if (accepted) Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        else await ExpectRefusedAsync(response, SsoLogin.Expired);
    }

    [Fact]
    public async Task Login_SameTokenAndUserTwice_SecondIsRefusedAsReplay()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var form = app.SsoForm(id, "mobiloud");
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(form)).StatusCode);
        await ExpectRefusedAsync(await PostAsync(form), SsoLogin.Replayed);

        await using var db = app.Db();
        Assert.Equal(1, await db.SsoTokenUses.CountAsync(u => u.Token == form["user_scoped_resource_token"]));
    }

    [Fact]
    public async Task Login_SameResourceTokenForAnotherUser_IsARefusedReplay()
    {
        // The resource token signs no user: once used, it is spent, whatever user id the form names.
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var first = app.SsoForm(id, "mobiloud", kind: SsoTokenKind.Resource);
        var second = new Dictionary<string, string>(first) { ["user_id"] = "another-user", ["email"] = "other@example.com" };
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(first)).StatusCode);
        await ExpectRefusedAsync(await PostAsync(second), SsoLogin.Replayed);
        await using var db = app.Db();
        var user = await db.SsoUsers.SingleAsync(u => u.ResourceId == id);
        Assert.Equal((AppFixture.UserId, false), (user.UserId, user.Verified));
    }

    [Theory]
    [InlineData(SsoTokenKind.Resource)]
    [InlineData(SsoTokenKind.Legacy)]
    public async Task Login_WeakerToken_IsUnverified_NeitherContactNorIdentity(SsoTokenKind kind)
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var client = app.NewBrowserClient();
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(app.SsoForm(id, "mobiloud", kind: kind, email: "claimed@example.com"), client)).StatusCode);
        var page = await client.GetStringAsync($"/dashboard/{id}/security/report");
        Assert.DoesNotContain("claimed@example.com", page);

        await using var db = app.Db();
        var user = await db.SsoUsers.SingleAsync(u => u.ResourceId == id);
        Assert.False(user.Verified);
    }

    [Fact]
    public async Task Login_UnverifiedAfterVerified_LeavesTheVerifiedContactAlone()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(app.SsoForm(id, "mobiloud", timestamp: Now - 5))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(app.SsoForm(id, "mobiloud", kind: SsoTokenKind.Resource, email: "claimed@example.com"))).StatusCode);
        await using var db = app.Db();
        var user = await db.SsoUsers.SingleAsync(u => u.ResourceId == id);
        Assert.Equal((AppFixture.UserEmail, true), (user.Email, user.Verified));
    }

    [Fact]
    public async Task Kensa_LegacyForm_LogsInUnverified()
    {
        // What Heroku's kensa test tool posts: id, token, timestamp, nav-data, email, app (no user id, no v3 tokens).
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var ts = Now.ToString();
        var form = new Dictionary<string, string>
        {
            ["id"] = id.ToString(), ["token"] = SsoTokens.Compute(SsoTokenKind.Legacy, id.ToString(), app.SsoSalt("mobiloud"), ts),
            ["timestamp"] = ts, ["nav-data"] = "eyJhZGRvbiI6Ik1vYmlMb3VkIn0", ["email"] = "username@example.com", ["app"] = "myapp",
        };
        var client = app.NewBrowserClient();
        using var response = await PostAsync(form, client);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("heroku-nav-data=eyJhZGRvbiI6Ik1vYmlMb3VkIn0;"));
        using var page = await client.GetAsync(response.Headers.Location!.OriginalString + "/mobiloud");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("id=\"heroku-header\"", html);
        Assert.DoesNotContain("username@example.com", html);
        await using var db = app.Db();
        Assert.False(await db.SsoUsers.AnyAsync(u => u.ResourceId == id)); // no user id, nothing to record
    }

    [Fact]
    public async Task Login_DeprovisionedResource_Is403()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        await (await app.DeprovisionAsync("mobiloud", id)).ExpectAsync(HttpStatusCode.NoContent);
        await ExpectRefusedAsync(await PostAsync(app.SsoForm(id, "mobiloud")), SsoLogin.Inactive);
    }

    [Fact]
    public async Task Login_UnknownResource_Is403()
    {
        await ExpectRefusedAsync(await PostAsync(app.SsoForm(Guid.NewGuid(), "mobiloud")), SsoLogin.Refused);
    }

    [Fact]
    public async Task Login_MissingTokenOrTimestamp_Is403()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var noToken = app.SsoForm(id, "mobiloud");
        noToken.Remove("user_scoped_resource_token");
        await ExpectRefusedAsync(await PostAsync(noToken), SsoLogin.Refused);
        var noTimestamp = app.SsoForm(id, "mobiloud");
        noTimestamp.Remove("timestamp");
        await ExpectRefusedAsync(await PostAsync(noTimestamp), SsoLogin.Refused);
    }

    [Fact]
    public async Task LegacyGet_OutsideTheBasicAuthGroup_LogsInWithoutAuthorizationHeader()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var ts = Now.ToString();
        var token = SsoTokens.Compute(SsoTokenKind.Legacy, id.ToString(), app.SsoSalt("mobiloud"), ts);
        var client = app.NewBrowserClient();
        using var response = await client.GetAsync($"/heroku/resources/{id}?token={token}&timestamp={ts}&nav-data=abc");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/dashboard/{id}", response.Headers.Location!.OriginalString);

        using var replay = await client.GetAsync($"/heroku/resources/{id}?token={token}&timestamp={ts}");
        await ExpectRefusedAsync(replay, SsoLogin.Replayed);
        using var asResourceToken = await PostAsync(new() { ["resource_id"] = id.ToString(), ["resource_token"] = token, ["timestamp"] = ts });
        await ExpectRefusedAsync(asResourceToken, SsoLogin.Replayed);
        using var bad = await client.GetAsync($"/heroku/resources/{id}?token={new string('0', 40)}&timestamp={ts}");
        await ExpectRefusedAsync(bad, SsoLogin.Refused);
    }

    [Fact]
    public async Task Session_ForResourceA_Gets404ForEverythingOfResourceB()
    {
        var (a, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var (b, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var (k, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var client = await app.SsoLoginAsync(a);
        await AppFixture.PostFormAsync(client, $"/dashboard/{a}/mobiloud", $"/dashboard/{a}/mobiloud/website", new Dictionary<string, string> { ["website_url"] = "https://a.example.com" });

        foreach (var path in new[] { $"/dashboard/{b}", $"/dashboard/{b}/mobiloud/colors", $"/dashboard/{k}/kafka", $"/dashboard/{a}/kafka", $"/dashboard/{a}/inference" })
            Assert.True(HttpStatusCode.NotFound == (await client.GetAsync(path)).StatusCode, path);

        // A valid antiforgery token of session A does not open B's forms either.
        using var post = await AppFixture.PostFormAsync(client, $"/dashboard/{a}/mobiloud/colors", $"/dashboard/{b}/mobiloud/website",
            new Dictionary<string, string> { ["website_url"] = "https://evil.example.com" });
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        await using var db = app.Db();
        Assert.False(await db.MobiLoudApps.AnyAsync(x => x.ResourceId == b));
    }

    [Fact]
    public async Task DashboardForm_WithoutAntiforgeryToken_IsRefusedAndSavesNothing()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var client = await app.SsoLoginAsync(id);
        using var response = await client.PostAsync($"/dashboard/{id}/mobiloud/website",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["website_url"] = "https://www.example.com" }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var forged = await client.PostAsync($"/dashboard/{id}/mobiloud/website",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["website_url"] = "https://www.example.com", ["__RequestVerificationToken"] = "forged" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        await using var db = app.Db();
        Assert.False(await db.MobiLoudApps.AnyAsync(x => x.ResourceId == id));
    }

    [Fact]
    public async Task Dashboard_WithoutSession_Is401AndSaysToOpenFromHeroku()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        using var response = await app.NewBrowserClient().GetAsync($"/dashboard/{id}/mobiloud");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Open the add-on again from your Heroku dashboard", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Session_AfterDeprovision_Gets404()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var client = await app.SsoLoginAsync(id);
        await (await app.DeprovisionAsync("mobiloud", id)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/dashboard/{id}/mobiloud")).StatusCode);
    }

    [Fact]
    public async Task Logout_EndsTheSession()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var client = await app.SsoLoginAsync(id);
        using var logout = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/mobiloud", "/sso/logout", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.Contains("You are signed out", await logout.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/dashboard/{id}/mobiloud")).StatusCode);
    }

    [Fact]
    public async Task Session_ExpiresAfterItsLifetime()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var client = await app.SsoLoginAsync(id);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/dashboard/{id}/mobiloud")).StatusCode);
        var before = app.TestClock.Now;
        try
        {
            app.TestClock.Now = before.AddHours(8).AddMinutes(1);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/dashboard/{id}/mobiloud")).StatusCode);
        }
        finally
        {
            app.TestClock.Now = before;
        }
    }

    [Fact]
    public async Task Purge_RemovesOnlyExpiredReplayGuardRows()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        await app.SsoLoginAsync(id);
        var scopes = app.App.Services.GetRequiredService<Microsoft.Extensions.DependencyInjection.IServiceScopeFactory>();
        var later = new TestClock(app.Clock.GetUtcNow().AddMinutes(7));
        await SsoTokenPurge.PurgeAsync(scopes, app.Clock, default);
        await using (var db = app.Db()) Assert.True(await db.SsoTokenUses.AnyAsync());
        await SsoTokenPurge.PurgeAsync(scopes, later, default);
        await using (var db = app.Db()) Assert.False(await db.SsoTokenUses.AnyAsync());
    }
}
