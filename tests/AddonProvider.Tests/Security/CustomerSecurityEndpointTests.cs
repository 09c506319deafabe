using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AddonProvider.Tests.Security;

/// <summary>
/// Stands in for the dashboard's SSO session, which is built on another branch: the resource and user come from
/// request headers. Only the session is mocked; the endpoints, services and database are the real ones.
/// </summary>
internal sealed class MockSessionAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> o, ILoggerFactory l, UrlEncoder e)
    : AuthenticationHandler<AuthenticationSchemeOptions>(o, l, e)
{
    public const string SchemeName = "MockSession";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers["X-Mock-Resource"].ToString() is not { Length: > 0 } resource) return Task.FromResult(AuthenticateResult.NoResult());
        var claims = new[] { new Claim("resource", resource), new Claim("user", Request.Headers["X-Mock-User"].ToString()), new Claim("email", Request.Headers["X-Mock-Email"].ToString()) };
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName)));
    }
}

public sealed class MockSessionFixture : AdminFixture
{
    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, MockSessionAuthentication>(MockSessionAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy("mock-session", p => p.AddAuthenticationSchemes(MockSessionAuthentication.SchemeName).RequireAuthenticatedUser());
    }

    protected override void ConfigureApp(WebApplication app) =>
        app.MapGroup("/dashboard").RequireAuthorization("mock-session").MapCustomerSecurityEndpoints(user =>
            Guid.TryParse(user.FindFirst("resource")?.Value, out var id)
                ? new CustomerSession(id, user.FindFirst("user")!.Value, user.FindFirst("email")?.Value is { Length: > 0 } e ? e : null)
                : null);
}

public sealed class CustomerSecurityEndpointTests(MockSessionFixture app) : IClassFixture<MockSessionFixture>
{
    private HttpRequestMessage AsCustomer(HttpMethod method, string path, Guid resource, object? body = null, string? email = "dev@customer.example")
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Mock-Resource", resource.ToString());
        request.Headers.Add("X-Mock-User", "user-1");
        if (email is not null) request.Headers.Add("X-Mock-Email", email);
        return request;
    }

    [Fact]
    public async Task Banner_ListsTheAdvisoryUntilAcknowledged_WithAMockSession()
    {
        var resource = await app.ResourceAsync("inference", "standard", "us", "banner-owner@customer.example");
        using (var created = await app.SendAsync(HttpMethod.Post, "/admin/advisories", AdvisoryApiTests.Body(new { resourceIds = new[] { resource.Id } }, "Model endpoint issue")))
        {
            var id = (await created.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
            using var published = await app.SendAsync(HttpMethod.Post, $"/admin/advisories/{id}/publish");
            await published.ExpectAsync(HttpStatusCode.Accepted);
        }
        Assert.Empty(await app.RunJobsAsync());

        using var banner = await app.Client.SendAsync(AsCustomer(HttpMethod.Get, "/dashboard/security/advisories", resource.Id));
        var notice = Assert.Single((await banner.ExpectAsync(HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal("Model endpoint issue", notice.GetProperty("title").GetString());
        Assert.Equal("Rotate your credentials from the dashboard.", notice.GetProperty("mitigation").GetString());
        var advisoryId = notice.GetProperty("id").GetGuid();

        using (var other = await app.Client.SendAsync(AsCustomer(HttpMethod.Post, $"/dashboard/security/advisories/{advisoryId}/acknowledge", Guid.NewGuid())))
            await other.ExpectProblemAsync(HttpStatusCode.NotFound, "does not concern");
        using (var ack = await app.Client.SendAsync(AsCustomer(HttpMethod.Post, $"/dashboard/security/advisories/{advisoryId}/acknowledge", resource.Id)))
            await ack.ExpectAsync(HttpStatusCode.NoContent);
        using var after = await app.Client.SendAsync(AsCustomer(HttpMethod.Get, "/dashboard/security/advisories", resource.Id));
        Assert.Equal(0, (await after.ExpectAsync(HttpStatusCode.OK)).GetArrayLength());

        using var anonymous = await app.Client.GetAsync("/dashboard/security/advisories");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Report_IsStoredForTheSessionsResource_WithAMockSession()
    {
        var resource = await app.ResourceAsync("mobiloud", "starter", "eu", "report-owner@customer.example");
        using (var empty = await app.Client.SendAsync(AsCustomer(HttpMethod.Post, "/dashboard/security/reports", resource.Id, new { text = " " })))
            await empty.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "text");

        using var response = await app.Client.SendAsync(AsCustomer(HttpMethod.Post, "/dashboard/security/reports", resource.Id,
            new { text = "The app config endpoint answers for a deleted app.", reporterName = "Dev" }));
        var report = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("new", report.GetProperty("status").GetString());
        await using var db = app.Db();
        var row = await db.SecurityReports.SingleAsync(r => r.Id == report.GetProperty("id").GetGuid());
        Assert.Equal((resource.Id, "dev@customer.example"), (row.ResourceId!.Value, row.ReporterEmail));
    }
}
