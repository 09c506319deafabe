using System.Net;
using System.Text.Json;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Tests.Security;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Dashboard;
using AddonProvider.Web.Sso;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Hostile;

/// <summary>
/// SSO as an attacker uses it, with nothing but HTTP: forms re-posted with another user, with the user-scoped token
/// dropped, replayed through the legacy GET, and a security report whose typed address would turn our reply into a
/// relay. Each case asserts the secure answer and that nothing changed: SSO contacts and replay-guard rows, sessions,
/// advisory recipients (an advisory is published and delivered at the end) and mail.
/// </summary>
public sealed class SsoHostileTests(AdminFixture app) : IClassFixture<AdminFixture>
{
    private const string Alice = "a11ce000-0000-4000-8000-000000000001";
    private const string AliceEmail = "alice@customer.example";
    private const string Bob = "b0b00000-0000-4000-8000-000000000002";
    private const string BobEmail = "bob@customer.example";

    private static string Eve() => $"eve-{Guid.NewGuid():N}@attacker.example";

    private long Now => app.Clock.GetUtcNow().ToUnixTimeSeconds();

    // Replay-guard rows of this test (and of tests just before it): none of them can be purged while it runs.
    private readonly DateTime _recentTokens = DateTime.UtcNow.AddMinutes(4.5);

    /// <summary>The form Heroku's v3 SSO posts: every token form at once (the legacy one computed over the uuid).</summary>
    private Dictionary<string, string> HerokuForm(Guid id, long ts, string userId = Alice, string email = AliceEmail)
    {
        var form = app.SsoForm(id, "mobiloud", ts, userId, email);
        var salt = app.SsoSalt("mobiloud");
        form["resource_token"] = SsoTokens.Compute(SsoTokenKind.Resource, id.ToString(), salt, ts.ToString());
        form["token"] = SsoTokens.Compute(SsoTokenKind.Legacy, id.ToString(), salt, ts.ToString());
        return form;
    }

    private static Dictionary<string, string> Without(Dictionary<string, string> form, params string[] names)
    {
        var copy = new Dictionary<string, string>(form);
        foreach (var n in names) copy.Remove(n);
        return copy;
    }

    private static Dictionary<string, string> With(Dictionary<string, string> form, string userId, string email) =>
        new(form) { ["user_id"] = userId, ["email"] = email };

    private async Task<HttpResponseMessage> PostAsync(Dictionary<string, string> form, HttpClient? client = null) =>
        await (client ?? app.NewBrowserClient()).PostAsync("/sso/login", new FormUrlEncodedContent(form));

    private async Task LoginOkAsync(Dictionary<string, string> form, HttpClient? client = null)
    {
        using var response = await PostAsync(form, client);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"the genuine login answered {(int)response.StatusCode}");
    }

    /// <summary>403, no session cookie, and the client that sent it has no session afterwards.</summary>
    private async Task ExpectRefusedAsync(Guid id, string what, Func<HttpClient, Task<HttpResponseMessage>> send)
    {
        var client = app.NewBrowserClient();
        using var response = await send(client);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{what}: expected 403, got {(int)response.StatusCode} {response.Headers.Location}");
        Assert.DoesNotContain(DashboardSession.CookieName, response.Headers.ToString(), StringComparison.Ordinal);
        Assert.Contains("Open the add-on again from your Heroku dashboard", body);
        using var page = await client.GetAsync($"/dashboard/{id}");
        Assert.True(page.StatusCode == HttpStatusCode.Unauthorized, $"{what}: the refused client still has a session ({(int)page.StatusCode})");
    }

    private sealed record Snapshot(string Users, int TokenUses, int Mails, int Reports);

    private async Task<Snapshot> SnapshotAsync(Guid id)
    {
        await using var db = app.Db();
        var users = await db.SsoUsers.Where(u => u.ResourceId == id).OrderBy(u => u.UserId)
            .Select(u => u.UserId + "=" + u.Email + "@" + u.LastLoginAt.Ticks).ToListAsync();
        return new Snapshot(string.Join(";", users), await db.SsoTokenUses.CountAsync(u => u.ExpiresAt > _recentTokens), app.Smtp.Accepted.Count,
            await db.SecurityReports.CountAsync(r => r.ResourceId == id));
    }

    /// <summary>Publishes an advisory for exactly this resource, plays the worker, and returns who was mailed.</summary>
    private async Task<string[]> AdvisoryRecipientsAsync(Guid id)
    {
        using var created = await app.SendAsync(HttpMethod.Post, "/admin/advisories", AdvisoryApiTests.Body(new { resourceIds = new[] { id } }, $"Check {id}"));
        var advisory = (await created.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        using var published = await app.SendAsync(HttpMethod.Post, $"/admin/advisories/{advisory}/publish");
        await published.ExpectAsync(HttpStatusCode.Accepted);
        Assert.Empty(await app.RunJobsAsync());
        await using var db = app.Db();
        return (await db.AdvisoryNotifications.Where(n => n.AdvisoryId == advisory).Select(n => n.Email).ToListAsync())
            .Select(e => e.ToLowerInvariant()).Order().ToArray();
    }

    private async Task<JsonElement[]> AdminSsoUsersAsync(Guid id)
    {
        using var detail = await app.SendAsync(HttpMethod.Get, $"/admin/resources/{id}", role: AdminRoles.Operator);
        return (await detail.ExpectAsync(HttpStatusCode.OK)).GetProperty("ssoUsers").EnumerateArray().ToArray();
    }

    private static bool? Verified(JsonElement user) =>
        user.TryGetProperty("verified", out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    [Fact]
    public async Task AnotherUserId_WithACapturedForm_IsRefused_AndChangesNothing()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var eve = Eve();
        var captured = HerokuForm(id, Now);
        await LoginOkAsync(captured);
        // A weak-token form, used once by its own user (Heroku's older form, or one of ours with the user-scoped token left out).
        var weak = Without(HerokuForm(id, Now - 30, Bob, BobEmail), "user_scoped_resource_token");
        await LoginOkAsync(weak);
        var before = await SnapshotAsync(id);

        await ExpectRefusedAsync(id, "user-scoped form with another user id", c => PostAsync(With(captured, "e0e00000-0000-4000-8000-000000000003", eve), c));
        await ExpectRefusedAsync(id, "its resource_token with another user id", c => PostAsync(With(Without(captured, "user_scoped_resource_token"), "e0e00000-0000-4000-8000-000000000003", eve), c));
        await ExpectRefusedAsync(id, "its legacy token with another user id", c => PostAsync(With(Without(captured, "user_scoped_resource_token", "resource_token"), "e0e00000-0000-4000-8000-000000000003", eve), c));
        await ExpectRefusedAsync(id, "a used weak form with another user id", c => PostAsync(With(weak, "e0e00000-0000-4000-8000-000000000003", eve), c));

        Assert.Equal(before, await SnapshotAsync(id));
        Assert.Equal(new[] { AliceEmail }, await AdvisoryRecipientsAsync(id));
        Assert.Empty(app.Smtp.AcceptedFor(eve));
    }

    [Fact]
    public async Task DroppedUserScopedToken_IsAReplayOnceUsed_AndOtherwiseOnlyAnUnverifiedLogin()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var eve = Eve();
        var form = HerokuForm(id, Now);
        await LoginOkAsync(form);
        var before = await SnapshotAsync(id);

        await ExpectRefusedAsync(id, "the same form without its user-scoped token", c => PostAsync(Without(form, "user_scoped_resource_token"), c));
        await ExpectRefusedAsync(id, "... and with another email", c => PostAsync(With(Without(form, "user_scoped_resource_token"), Alice, eve), c));
        Assert.Equal(before, await SnapshotAsync(id));

        // A form captured before its user posted it: without the user-scoped token its identity is only a claim.
        var fresh = With(Without(HerokuForm(id, Now - 40), "user_scoped_resource_token"), Bob, eve);
        var client = app.NewBrowserClient();
        await LoginOkAsync(fresh, client);
        var reportForm = await client.GetStringAsync($"/dashboard/{id}/security/report");
        Assert.DoesNotContain(eve, reportForm); // the claimed email is not the session's identity

        var users = await AdminSsoUsersAsync(id);
        Assert.True(users.Length == 2, $"expected Alice and Bob's claim, got {users.Length}");
        Assert.Equal(true, Verified(users.Single(u => u.GetProperty("userId").GetString() == Alice)));
        Assert.Equal(false, Verified(users.Single(u => u.GetProperty("userId").GetString() == Bob)));
        Assert.Equal(new[] { AliceEmail }, await AdvisoryRecipientsAsync(id));
        Assert.Empty(app.Smtp.AcceptedFor(eve));
    }

    [Fact]
    public async Task LegacyGet_Replayed_OrRepostedWithAUser_IsRefused_AndChangesNothing()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var eve = Eve();
        await LoginOkAsync(HerokuForm(id, Now - 50)); // Alice, verified
        var ts = (Now - 20).ToString();
        var token = SsoTokens.Compute(SsoTokenKind.Legacy, id.ToString(), app.SsoSalt("mobiloud"), ts);
        // Identity in the query is ignored: the legacy GET carries token + timestamp only.
        using (var first = await app.NewBrowserClient().GetAsync($"/heroku/resources/{id}?token={token}&timestamp={ts}&user_id={Bob}&email={Uri.EscapeDataString(eve)}"))
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var before = await SnapshotAsync(id);
        Assert.DoesNotContain(eve, before.Users);

        await ExpectRefusedAsync(id, "the same GET again", c => c.GetAsync($"/heroku/resources/{id}?token={token}&timestamp={ts}"));
        await ExpectRefusedAsync(id, "the same GET with a user", c => c.GetAsync($"/heroku/resources/{id}?token={token}&timestamp={ts}&user_id={Bob}"));
        var legacyForm = new Dictionary<string, string> { ["id"] = id.ToString(), ["token"] = token, ["timestamp"] = ts, ["user_id"] = Bob, ["email"] = eve };
        await ExpectRefusedAsync(id, "its token posted as a legacy form with a user", c => PostAsync(legacyForm, c));
        await ExpectRefusedAsync(id, "its token posted as resource_token", c => PostAsync(new() { ["resource_id"] = id.ToString(), ["resource_token"] = token, ["timestamp"] = ts, ["user_id"] = Bob, ["email"] = eve }, c));

        Assert.Equal(before, await SnapshotAsync(id));
        Assert.Equal(new[] { AliceEmail }, await AdvisoryRecipientsAsync(id));
    }

    [Fact]
    public async Task LegacyGet_WithAPostedResourceToken_IsRefused_AndChangesNothing()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var ts = Now - 10;
        var form = HerokuForm(id, ts);
        await LoginOkAsync(form);
        var before = await SnapshotAsync(id);

        await ExpectRefusedAsync(id, "the posted resource_token as the GET's token", c => c.GetAsync($"/heroku/resources/{id}?token={form["resource_token"]}&timestamp={ts}"));
        await ExpectRefusedAsync(id, "the posted resource_token upper-cased", c => c.GetAsync($"/heroku/resources/{id}?token={form["resource_token"].ToUpperInvariant()}&timestamp={ts}"));
        // A never-posted, valid resource_token is not the GET's credential either: token + timestamp only.
        var other = (Now - 70).ToString();
        var unposted = SsoTokens.Compute(SsoTokenKind.Resource, id.ToString(), app.SsoSalt("mobiloud"), other);
        await ExpectRefusedAsync(id, "resource_token in the GET's query", c => c.GetAsync($"/heroku/resources/{id}?resource_token={unposted}&timestamp={other}"));
        await ExpectRefusedAsync(id, "user_scoped_resource_token in the GET's query", c => c.GetAsync(
            $"/heroku/resources/{id}?user_scoped_resource_token={form["user_scoped_resource_token"]}&timestamp={ts}&user_id={Alice}&email={AliceEmail}"));

        Assert.Equal(before, await SnapshotAsync(id));
        Assert.Equal(new[] { AliceEmail }, await AdvisoryRecipientsAsync(id));
    }

    [Fact]
    public async Task ReportFromAnUnverifiedSession_IsAccepted_ButOurReplyIsNeverMailedToItsTypedAddress()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var eve = Eve();
        var victim = $"victim-{Guid.NewGuid():N}@target.example";
        var client = app.NewBrowserClient();
        await LoginOkAsync(With(Without(HerokuForm(id, Now), "user_scoped_resource_token"), Bob, eve), client);
        var mailsBefore = app.Smtp.Accepted.Count;

        using var sent = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/security/report", $"/dashboard/{id}/security/report",
            new Dictionary<string, string> { ["text"] = "Your account is locked: sign in at https://evil.example/login", ["reporter_email"] = victim });
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var page = sent.Headers.Location!.OriginalString;
        var reportId = Guid.Parse(page[(page.LastIndexOf('/') + 1)..]);

        using var report = await app.SendAsync(HttpMethod.Get, $"/admin/security-reports/{reportId}");
        var json = await report.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(victim, json.GetProperty("reporterEmail").GetString());
        Assert.True(json.TryGetProperty("reporterEmailVerified", out var verified) && verified.ValueKind == JsonValueKind.False,
            $"reporterEmailVerified should be false: {json}");

        using var reply = await app.SendAsync(HttpMethod.Post, $"/admin/security-reports/{reportId}/replies", new { body = "Thanks, we are looking into it." });
        var replyJson = await reply.ExpectAsync(HttpStatusCode.Accepted);
        Assert.Empty(await app.RunJobsAsync());

        Assert.Empty(app.Smtp.AcceptedFor(victim));
        Assert.Empty(app.Smtp.AcceptedFor(eve));
        // The only mail is our own security team's alert of the new report.
        Assert.All(app.Smtp.Accepted.Skip(mailsBefore), m => Assert.Equal([AdminFixture.SecurityEmail], m.To));
        Assert.False(replyJson.TryGetProperty("toEmail", out var to) && to.ValueKind == JsonValueKind.String, $"the reply has an address: {replyJson}");
        Assert.Equal("withheld", replyJson.GetProperty("status").GetString());
        await using (var db = app.Db())
        {
            Assert.All(await db.SecurityReportReplies.Where(r => r.ReportId == reportId).ToListAsync(), r => Assert.Null(r.SentAt));
            var actors = await db.AuditLog.Where(a => a.ResourceId == id).Select(a => a.Actor).ToListAsync();
            Assert.DoesNotContain(actors, a => a.Contains(victim, StringComparison.OrdinalIgnoreCase) || a.Contains(eve, StringComparison.OrdinalIgnoreCase));
        }
        // The reporter reads our answer where they filed the report.
        var reportPage = WebUtility.HtmlDecode(await client.GetStringAsync(page));
        Assert.Contains("Thanks, we are looking into it.", reportPage);
        Assert.Empty(await AdvisoryRecipientsAsync(id));
    }

    [Fact]
    public async Task ReportFromAVerifiedSession_ReplyIsMailedToTheSsoVerifiedAddress()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var email = $"carol-{Guid.NewGuid():N}@customer.example";
        var client = app.NewBrowserClient();
        await LoginOkAsync(HerokuForm(id, Now, "c0c00000-0000-4000-8000-000000000004", email), client);

        using var sent = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/security/report", $"/dashboard/{id}/security/report",
            new Dictionary<string, string> { ["text"] = "The config endpoint leaks a header.", ["reporter_email"] = email });
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var page = sent.Headers.Location!.OriginalString;
        var reportId = Guid.Parse(page[(page.LastIndexOf('/') + 1)..]);
        using var reply = await app.SendAsync(HttpMethod.Post, $"/admin/security-reports/{reportId}/replies", new { body = "Fixed, thank you." });
        await reply.ExpectAsync(HttpStatusCode.Accepted);
        Assert.Empty(await app.RunJobsAsync());

        // Besides the automatic acknowledgement (a verified address gets one), exactly one reply.
        var mail = Assert.Single(app.Smtp.AcceptedFor(email), m => m.MessageId?.StartsWith("<report-reply-", StringComparison.Ordinal) == true);
        Assert.Contains("Fixed, thank you.", mail.Body);
        Assert.Contains("Fixed, thank you.", WebUtility.HtmlDecode(await client.GetStringAsync(page)));
    }

    [Fact]
    public async Task TwoTeamMembers_InTheSameSecond_BothLogIn_VerifiedByTheirOwnTokens()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var ts = Now;
        var alice = HerokuForm(id, ts);
        var bob = HerokuForm(id, ts, Bob, BobEmail);
        Assert.Equal(alice["resource_token"], bob["resource_token"]); // the weak tokens are the same for everyone
        var answers = await Task.WhenAll(PostAsync(alice), PostAsync(bob));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Redirect, a.StatusCode));
        // ... and their shared weak token is spent for weaker logins.
        await ExpectRefusedAsync(id, "the shared resource_token afterwards", c => PostAsync(Without(bob, "user_scoped_resource_token"), c));

        var users = await AdminSsoUsersAsync(id);
        Assert.Equal(2, users.Length);
        Assert.All(users, u => Assert.Equal(true, Verified(u)));
        Assert.Equal(new[] { AliceEmail, BobEmail }, await AdvisoryRecipientsAsync(id));
    }
}
