using System.Net;
using System.Text;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Throttle;

/// <summary>
/// Oversized and over-long requests are the client's fault: a 4xx in the surface's own shape (pages on /sso and
/// /dashboard, problem+json on /admin), never a 500, never an error log, and nothing changes.
/// </summary>
public sealed class RequestLimitTests(ThrottleFixture app) : IClassFixture<ThrottleFixture>
{
    private async Task<long[]> SnapshotAsync()
    {
        await using var db = app.Db();
        return
        [
            await db.SsoUsers.CountAsync(), await db.AuditLog.CountAsync(), await db.Resources.CountAsync(), await db.MobiLoudApps.CountAsync(),
            await db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM sso_token_uses").SingleAsync(),
        ];
    }

    private static StringContent Form(string body) => new(body, Encoding.ASCII, "application/x-www-form-urlencoded");

    /// <summary>Posted as a browser posts: the whole body at once, no Expect: 100-continue.</summary>
    private static Task<HttpResponseMessage> PostLargeAsync(HttpClient client, string path, string body) => client.PostAsync(path, Form(body));

    private string SsoFields(Guid id) =>
        string.Join("&", app.SsoForm(id, "mobiloud").Select(f => $"{f.Key}={Uri.EscapeDataString(f.Value)}"));

    private async Task ExpectPageAsync(HttpResponseMessage response, HttpStatusCode status, string fragment)
    {
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {html[..Math.Min(400, html.Length)]}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(fragment, html);
        Assert.DoesNotContain("   at ", html);
        Assert.Empty(app.ErrorLogs);
    }

    [Fact]
    public async Task SsoLogin_FiveMegabyteValue_Is413Page_NoErrorLog_NothingChanged()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "test");
        var before = await SnapshotAsync();
        using var client = app.NewBrowserClient();
        using var response = await PostLargeAsync(client, "/sso/login", SsoFields(id) + "&app=" + new string('a', 5 * 1024 * 1024));
        await ExpectPageAsync(response, HttpStatusCode.RequestEntityTooLarge, "too large (over 16 KiB)");
        Assert.False(response.Headers.Contains("Set-Cookie"), "no session from a refused form");
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task SsoLogin_1100Fields_Is400Page_NoErrorLog_NothingChanged()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "test");
        var before = await SnapshotAsync();
        using var client = app.NewBrowserClient();
        var padding = string.Concat(Enumerable.Range(0, 1100).Select(i => $"&f{i}=1"));
        using var response = await client.PostAsync("/sso/login", Form(SsoFields(id) + padding));
        await ExpectPageAsync(response, HttpStatusCode.BadRequest, "more than 64 fields");
        Assert.False(response.Headers.Contains("Set-Cookie"), "no session from a refused form");
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task DashboardForm_Over256KiB_Is413Page_NoErrorLog_NothingChanged()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "test");
        using var session = await app.SsoLoginAsync(id);
        var token = await AppFixture.AntiforgeryTokenAsync(session, $"/dashboard/{id}/mobiloud");
        var before = await SnapshotAsync();
        using var response = await PostLargeAsync(session, $"/dashboard/{id}/mobiloud/website",
            $"__RequestVerificationToken={Uri.EscapeDataString(token)}&website_url=https%3A%2F%2Fshop.example.com%2F{new string('a', 300 * 1024)}");
        await ExpectPageAsync(response, HttpStatusCode.RequestEntityTooLarge, "too large (over 256 KiB)");
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData("page=2147483647", "page")]
    [InlineData("page=99999999999", "page")]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=2147483647", "pageSize")]
    [InlineData("page=abc", "page")]
    public async Task AdminPaging_OutOfRange_Is400NamingTheParameter(string query, string parameter)
    {
        foreach (var path in new[] { "/admin/resources", "/admin/audit" })
        {
            using var response = await app.SendAsync(HttpMethod.Get, $"{path}?{query}", role: AdminRoles.Operator);
            var message = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, parameter);
            Assert.StartsWith(parameter + " ", message);
        }
        Assert.Empty(app.ErrorLogs);
    }
}
