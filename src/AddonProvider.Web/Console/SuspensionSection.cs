using AddonProvider.Web.Admin;
using AddonProvider.Web.Dashboard;
using static AddonProvider.Web.Admin.AdminResourceEndpoints;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.Console;

/// <summary>
/// Suspend and resume on the console's resource page: forms with a reason (required to suspend), posting to
/// <see cref="ResourceSuspension"/>, the same service as POST /admin/resources/{id}/suspend|resume. Role <c>operator</c>.
/// </summary>
public sealed class SuspensionSection : ConsoleResourceSection
{
    public override Task<Html> RenderAsync(HttpContext http, ResourceDetail r, CancellationToken ct)
    {
        var done = http.Request.Query["done"].ToString();
        var status = done switch
        {
            "suspended" => H($"<p class=\"saved\" role=\"status\" id=\"suspension-done\">Suspended. Its keys and credentials are refused within seconds.</p>"),
            "resumed" => H($"<p class=\"saved\" role=\"status\" id=\"suspension-done\">Resumed. Its keys and credentials work again within seconds.</p>"),
            _ => Empty,
        };
        Html body = r.State switch
        {
            ResourceSuspension.SuspendedState => H($"""
                <p id="suspension-facts">Suspended on {r.SuspendedAt:yyyy-MM-dd HH:mm} UTC by {r.SuspendedBy}: <span id="suspension-reason">{r.SuspensionReason}</span></p>
                {ConsolePage.Form(http, $"/console/resources/{r.Id}/resume",
                    H($"<label>Reason (optional) <textarea name=\"reason\" maxlength=\"{ResourceSuspension.MaxReasonLength}\" rows=\"2\"></textarea></label>"),
                    "Resume", "resume-form", "inline")}
                """),
            "provisioned" => H($"""
                <p>Stops the add-on short of deprovisioning (abuse, non-payment): its API keys, credentials and public app
                config are refused, the dashboard becomes read-only with a notice showing the reason. Heroku's plan changes and
                deprovision still apply. <strong>The customer sees the reason.</strong></p>
                {ConsolePage.Form(http, $"/console/resources/{r.Id}/suspend",
                    H($"<label>Reason (shown to the customer) <textarea name=\"reason\" required maxlength=\"{ResourceSuspension.MaxReasonLength}\" rows=\"2\"></textarea></label>"),
                    "Suspend", "suspend-form", "danger")}
                """),
            _ => H($"<p>Only a provisioned resource can be suspended.</p>"),
        };
        return Task.FromResult(H($"<section id=\"suspension\"><h2>Suspension</h2>{status}{body}</section>"));
    }
}

/// <summary>The console's suspend and resume actions; a failure (a blank reason, a deprovisioned resource) is a page saying why.</summary>
public static class SuspensionPages
{
    public static void MapSuspensionPages(this RouteGroupBuilder console)
    {
        var group = console.MapGroup("/resources").RequireAuthorization(ConsoleAuth.OperatorPolicy);
        group.MapPost("/{id:guid}/suspend", (Guid id, HttpContext http, IFormCollection form, ResourceSuspension suspension, CancellationToken ct) =>
            ActAsync(id, http, "suspended", suspension.SuspendAsync(id, form["reason"].ToString(), http.User.Actor(), http.TraceIdentifier, ct)));
        group.MapPost("/{id:guid}/resume", (Guid id, HttpContext http, IFormCollection form, ResourceSuspension suspension, CancellationToken ct) =>
            ActAsync(id, http, "resumed", suspension.ResumeAsync(id, form["reason"].ToString(), http.User.Actor(), http.TraceIdentifier, ct)));
    }

    private static async Task<IResult> ActAsync(Guid id, HttpContext http, string done, Task<Errors.Outcome<bool>> action)
    {
        var outcome = await action;
        if (outcome.Failure is { } f) return ConsolePage.Message(http, f.Status, done == "suspended" ? "Not suspended" : "Not resumed", f.Message);
        return TypedResults.Redirect($"/console/resources/{id}?done={done}");
    }
}
