using System.Net;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Console;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AddonProvider.Tests.Operators;

/// <summary>The console's pasted-token sign-in: the API's validation, a Strict short cookie, audit, CSRF and the failure throttle.</summary>
public sealed class ConsoleSignInTests(OperatorsFixture app) : IClassFixture<OperatorsFixture>
{
    [Fact]
    public async Task PastedOperatorToken_GivesAStrictHttpOnlyConsoleCookie_AndIsAudited()
    {
        using var client = new ConsoleClient(app.BaseAddress);
        using var response = await client.SignInAsync(AppFixture.Token(AdminRoles.Operator));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console", response.Headers.Location?.OriginalString);
        var setCookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(ConsoleAuth.TokenCookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/console", setCookie, StringComparison.OrdinalIgnoreCase);
        // A session cookie whose ticket ends with the token (10 minutes here), never past 15 minutes.
        Assert.DoesNotContain("expires=", setCookie, StringComparison.OrdinalIgnoreCase);
        var options = app.App.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(ConsoleAuth.TokenCookieScheme);
        var ticket = options.TicketDataFormat.Unprotect(client.Cookie(ConsoleAuth.TokenCookieName)!.Value)!;
        Assert.InRange(ticket.Properties.ExpiresUtc!.Value, DateTimeOffset.UtcNow.AddMinutes(8), DateTimeOffset.UtcNow.AddMinutes(10.5));
        Assert.Equal(["operator"], ticket.Principal.FindAll("role").Select(c => c.Value));

        var html = await client.GetPageAsync("/console/resources");
        Assert.Contains("alice (operator)", html);
        await using var db = app.Db();
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "console.sign-in" && a.Actor == "admin:alice"));
    }

    [Fact]
    public async Task Console_WithoutACookie_RedirectsToTheSignInPage()
    {
        using var client = new ConsoleClient(app.BaseAddress);
        using var response = await client.Http.GetAsync("/console/resources");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/console/sign-in?returnUrl=", response.Headers.Location?.PathAndQuery ?? response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SignIn_WithoutItsAntiforgeryToken_SetsNoCookie()
    {
        using var client = new ConsoleClient(app.BaseAddress);
        using var response = await client.SignInAsync(AppFixture.Token(AdminRoles.Operator), withAntiforgery: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(client.Cookie(ConsoleAuth.TokenCookieName));
        Assert.Contains("antiforgery", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TokenWithAnotherAudienceOrNoRole_IsRefused()
    {
        using var client = new ConsoleClient(app.BaseAddress);
        var foreign = AdminTokens.Mint(DevJwtFor("someone-else"), "mallory", [AdminRoles.Operator], TimeSpan.FromMinutes(5));
        using var refused = await client.SignInAsync(foreign);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var roleless = await client.SignInAsync(AdminTokens.Mint(AppFixture.DevJwt, "bob", ["viewer"], TimeSpan.FromMinutes(5)));
        Assert.Equal(HttpStatusCode.Forbidden, roleless.StatusCode);
        Assert.Null(client.Cookie(ConsoleAuth.TokenCookieName));
    }

    [Fact]
    public async Task SecurityOperator_CannotOpenOperatorPages()
    {
        using var client = await ConsoleClient.SignedInAsync(app, AdminRoles.Security);
        var html = await client.GetPageAsync("/console/resources", HttpStatusCode.Forbidden);
        Assert.Contains("needs the &#x27;operator&#x27; role", html);
    }

    private static AdminJwtSettings DevJwtFor(string audience) => AppFixture.DevJwt with { Audience = audience };
}
