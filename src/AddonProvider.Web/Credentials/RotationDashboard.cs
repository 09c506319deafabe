using AddonProvider.Data.Entities;
using AddonProvider.Web.Dashboard;
using Microsoft.AspNetCore.Http.HttpResults;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.Credentials;

/// <summary>
/// The customer's "Rotate" on the pages of products that issue credentials. The button leads to a confirmation page (a GET that
/// changes nothing) whose antiforgery-protected form does the rotation — no script needed for the "are you sure".
/// </summary>
public static class RotationDashboard
{
    /// <summary>Maps <c>GET/POST {product page}/rotate</c> on a product's dashboard group.</summary>
    public static RouteGroupBuilder MapRotation(this RouteGroupBuilder product, string page, string what)
    {
        product.MapGet("/rotate", (HttpContext http, CredentialOptions options) => Confirm(http, page, what, options, null, StatusCodes.Status200OK));
        product.MapPost("/rotate", async Task<Results<RedirectHttpResult, ContentHttpResult>> (IFormCollection form, HttpContext http, CredentialRotation rotation, CredentialOptions options, CancellationToken ct) =>
        {
            var r = http.Resource();
            var revokePrevious = form["revoke_previous"] == "on";
            var outcome = await rotation.RotateAsync(r.Id, http.User.DashboardActor(), http.TraceIdentifier, revokePrevious, ct);
            if (outcome.Failure is { } f) return Confirm(http, page, what, options, f.Message, f.Status);
            return TypedResults.Redirect($"/dashboard/{r.Id}/{page}?rotated={(revokePrevious ? "revoked" : "1")}");
        });
        return product;
    }

    /// <summary>The section each product page shows: the button, and after a rotation what happens next.</summary>
    public static Html Section(HttpContext http, Resource r, string page, string what, string configVars, CredentialOptions options) => H($"""
        <section id="rotation"><h2>Rotate {what}</h2>
        {When(http.Request.Query["rotated"] == "1", () => H($"<p class=\"saved\" role=\"status\" id=\"rotated\">New {what} issued and sent to your app's config vars ({configVars}). The previous {what} will work for another {Overlap(options)}; Heroku restarts your dynos with the new config.</p>"))}
        {When(http.Request.Query["rotated"] == "revoked", () => H($"<p class=\"saved\" role=\"status\" id=\"rotated\">New {what} issued and sent to your app's config vars ({configVars}). The previous {what} no longer work{(what.EndsWith('s') ? "" : "s")}: anything still using them is refused until it has the new config.</p>"))}
        <p>Issue new {what} if the current {what} may have leaked. <a href="/dashboard/{r.Id}/{page}/rotate" id="rotate">Rotate…</a></p>
        </section>
        """);

    private static ContentHttpResult Confirm(HttpContext http, string page, string what, CredentialOptions options, string? error, int status)
    {
        var id = http.Resource().Id;
        return Page.Render(http, $"Rotate {what}", H($"""
            {(error is null ? Empty : Page.Errors([error]))}
            <p>This issues new {what} and updates your app's config vars; Heroku restarts your dynos with them.
            The current {what} will work for another {Overlap(options)}, then stop.</p>
            <form method="post" action="/dashboard/{id}/{page}/rotate" id="rotate-form">{Page.Antiforgery(http)}
            <p><input type="checkbox" name="revoke_previous" id="revoke-previous"> <label for="revoke-previous">The current {what} may have leaked:
            stop {(what.EndsWith('s') ? "them" : "it")} working now, not in {Overlap(options)} (your app is refused until it runs with the new config)</label></p>
            <button type="submit" id="confirm-rotate">Yes, rotate</button> <a href="/dashboard/{id}/{page}">Cancel</a></form>
            """), status);
    }

    private static string Overlap(CredentialOptions o) => o.Overlap.TotalHours >= 1 && o.Overlap.TotalHours % 1 == 0
        ? $"{o.Overlap.TotalHours:0} hour{(o.Overlap.TotalHours == 1 ? "" : "s")}"
        : o.Overlap.TotalMinutes >= 1 ? $"{Math.Ceiling(o.Overlap.TotalMinutes):0} minutes" : $"{Math.Ceiling(o.Overlap.TotalSeconds):0} seconds";
}
