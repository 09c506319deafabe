using System.IdentityModel.Tokens.Jwt;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AddonProvider.Web.Admin;

/// <summary>
/// The Hangfire dashboard for operators. A browser cannot attach a bearer header to page loads, so an operator
/// trades a valid token for a short-lived HttpOnly cookie (POST /admin/session with the bearer header; the
/// /admin/login page does that from a pasted token). The cookie is valid only under /admin and never outlives the token.
/// </summary>
public static class AdminSessionEndpoints
{
    public const string DashboardPath = "/admin/jobs";
    public const string SessionPath = "/admin/session";

    public static void MapAdminSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var session = app.MapGroup(SessionPath).WithTags("Admin session");
        session.MapPost("/", (Delegate)SignIn).RequireAuthorization(AdminAuth.OperatorPolicy);
        session.MapDelete("/", (Delegate)SignOut);
        app.MapGet("/admin/login", () => TypedResults.Content(LoginPage, "text/html; charset=utf-8")).ExcludeFromDescription();
        // A file, not an inline script: the /admin pages' content security policy runs our own script files only.
        app.MapGet("/admin/login.js", () => TypedResults.Text(LoginScript, "text/javascript; charset=utf-8")).ExcludeFromDescription();

        MapJobsDashboard(app, new DashboardOptions
        {
            // Authorization is the endpoint policy below; Hangfire's own default would allow local requests only.
            Authorization = [],
            AsyncAuthorization = [],
            DisplayStorageConnectionString = false,
            DashboardTitle = "AddonProvider jobs",
        }).RequireAuthorization(AdminAuth.JobsDashboardPolicy);
    }

    /// <summary>
    /// What Hangfire's MapHangfireDashboard does, minus its "is Hangfire configured?" check: that check resolves
    /// Hangfire's global configuration, which re-points process-wide statics (the job activator) at this host. With one
    /// host per process that is harmless; with several (the test suite) a web-only host would capture another host's jobs.
    /// </summary>
    private static IEndpointConventionBuilder MapJobsDashboard(IEndpointRouteBuilder endpoints, DashboardOptions options)
    {
        var storage = endpoints.ServiceProvider.GetRequiredService<JobStorage>();
        var routes = endpoints.ServiceProvider.GetRequiredService<Hangfire.Dashboard.RouteCollection>();
        var pipeline = endpoints.CreateApplicationBuilder()
            .UsePathBase(DashboardPath)
            .UseMiddleware<AspNetCoreDashboardMiddleware>(storage, options, routes)
            .Build();
        return endpoints.Map(DashboardPath + "/{**path}", pipeline);
    }

    private static async Task<NoContent> SignIn(HttpContext http, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var expires = now + AdminAuth.CookieLifetime;
        if (http.User.FindFirst(JwtRegisteredClaimNames.Exp)?.Value is { } exp && long.TryParse(exp, out var seconds)
            && DateTimeOffset.FromUnixTimeSeconds(seconds) < expires)
            expires = DateTimeOffset.FromUnixTimeSeconds(seconds);
        await http.SignInAsync(AdminAuth.CookieScheme, AdminAuth.CookiePrincipal(http.User),
            new AuthenticationProperties { ExpiresUtc = expires, IsPersistent = false, AllowRefresh = false });
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> SignOut(HttpContext http)
    {
        await http.SignOutAsync(AdminAuth.CookieScheme);
        return TypedResults.NoContent();
    }

    private const string LoginPage = """
        <!doctype html><meta charset="utf-8"><title>Operator sign-in</title>
        <h1>Operator sign-in</h1>
        <p>Paste an operator token (<code>token --subject you --role operator</code>). It is sent once, as a bearer header,
        and exchanged for a 15-minute cookie valid under /admin only.</p>
        <form id="f"><textarea id="t" rows="6" cols="80" autocomplete="off"></textarea><br><button>Open the jobs dashboard</button></form>
        <p id="e"></p>
        <script src="/admin/login.js"></script>
        """;

    private const string LoginScript = """
        document.getElementById('f').addEventListener('submit', async ev => {
          ev.preventDefault();
          const r = await fetch('/admin/session', { method: 'POST', headers: { Authorization: 'Bearer ' + document.getElementById('t').value.trim() } });
          if (r.ok) location.href = '/admin/jobs'; else document.getElementById('e').textContent = (await r.json()).message;
        });
        """;
}
