using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AddonProvider.Tests.Admin;

public sealed class AdminAuthTests(AdminFixture app) : IClassFixture<AdminFixture>
{
    private static string Craft(string? issuer = null, string? audience = null, string? key = null, DateTime? expires = null, object? role = null)
    {
        var exp = expires ?? DateTime.UtcNow.AddMinutes(10);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? AdminJwtSettings.DefaultIssuer,
            Audience = audience ?? AdminJwtSettings.DefaultAudience,
            IssuedAt = exp.AddMinutes(-20), NotBefore = exp.AddMinutes(-20), Expires = exp,
            Claims = new Dictionary<string, object> { ["sub"] = "mallory", ["role"] = role ?? AdminRoles.Operator },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key ?? AdminJwtSettings.DevSigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    private static string B64(string json) => Base64UrlEncoder.Encode(json);

    private async Task<HttpResponseMessage> GetResourcesAsync(string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/admin/resources");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await app.Client.SendAsync(request);
    }

    [Fact]
    public async Task ValidOperatorToken_IsAccepted()
    {
        using var response = await GetResourcesAsync(Craft());
        var body = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.True(body.TryGetProperty("items", out _));
    }

    [Fact]
    public async Task RolesAsJsonArray_AreRecognised()
    {
        using var response = await GetResourcesAsync(Craft(role: new[] { AdminRoles.Security, AdminRoles.Operator }));
        await response.ExpectAsync(HttpStatusCode.OK);
    }

    public static TheoryData<string, string> Rejected => new()
    {
        { "missing", "" },
        { "expired beyond the one-minute skew", Craft(expires: DateTime.UtcNow.AddMinutes(-2)) },
        { "wrong issuer", Craft(issuer: "someone-else") },
        { "wrong audience", Craft(audience: "addon-provider-other") },
        { "wrong key", Craft(key: "another-key-that-is-long-enough-for-hs256-0123") },
        { "alg none", $"{B64("""{"alg":"none","typ":"JWT"}""")}.{B64($$"""{"sub":"mallory","role":"operator","iss":"addon-provider","aud":"addon-provider-admin","exp":{{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}}}""")}." },
        { "signature stripped", string.Join('.', Craft().Split('.')[..2]) + "." },
        { "garbage", "not-a-jwt" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public async Task BadToken_Is401ProblemWithBearerChallenge(string why, string token)
    {
        using var response = await GetResourcesAsync(token.Length == 0 ? null : token);
        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "token");
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.False(string.IsNullOrEmpty(why));
    }

    [Fact]
    public async Task ExpiredToken_SaysSo()
    {
        using var response = await GetResourcesAsync(Craft(expires: DateTime.UtcNow.AddMinutes(-5)));
        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "expired");
    }

    [Fact]
    public async Task ValidTokenWithoutTheRole_Is403()
    {
        using var operatorOnAdvisories = await app.SendAsync(HttpMethod.Get, "/admin/advisories", role: AdminRoles.Operator);
        await operatorOnAdvisories.ExpectProblemAsync(HttpStatusCode.Forbidden, "'security' role");
        using var securityOnResources = await app.SendAsync(HttpMethod.Get, "/admin/resources", role: AdminRoles.Security);
        await securityOnResources.ExpectProblemAsync(HttpStatusCode.Forbidden, "'operator' role");
        using var unknownRole = await GetResourcesAsync(Craft(role: "customer"));
        await unknownRole.ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task JobsDashboard_OpensOnlyWithTheOperatorCookie()
    {
        using var handler = new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { BaseAddress = app.BaseAddress };

        using (var anonymous = await browser.GetAsync("/admin/jobs"))
            await anonymous.ExpectProblemAsync(HttpStatusCode.Unauthorized, "/admin/session");

        // A security-only token cannot open a dashboard session.
        var securityLogin = new HttpRequestMessage(HttpMethod.Post, "/admin/session");
        securityLogin.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminFixture.Token(AdminRoles.Security));
        using (var refused = await browser.SendAsync(securityLogin)) await refused.ExpectAsync(HttpStatusCode.Forbidden);

        var login = new HttpRequestMessage(HttpMethod.Post, "/admin/session");
        login.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminFixture.Token(AdminRoles.Operator));
        using (var ok = await browser.SendAsync(login))
        {
            await ok.ExpectAsync(HttpStatusCode.NoContent);
            var cookie = ok.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(AdminAuth.CookieName, StringComparison.Ordinal));
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("path=/admin", cookie, StringComparison.OrdinalIgnoreCase);
        }

        using var dashboard = await browser.GetAsync("/admin/jobs");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("AddonProvider jobs", await dashboard.Content.ReadAsStringAsync());

        // The cookie is not a bearer substitute for the JSON API.
        using var api = await browser.GetAsync("/admin/resources");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheAdminApi()
    {
        using var response = await app.SendAsync(HttpMethod.Get, "/admin/openapi/admin.json", role: AdminRoles.Operator);
        var doc = await response.ExpectAsync(HttpStatusCode.OK);
        var paths = doc.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/admin/advisories/{id}/progress", out _));
        Assert.True(paths.TryGetProperty("/admin/resources", out _));
        Assert.False(paths.TryGetProperty("/heroku/resources", out _));
    }
}
