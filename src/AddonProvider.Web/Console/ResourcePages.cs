using System.Text.Json;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Credentials;
using AddonProvider.Web.Dashboard;
using Microsoft.AspNetCore.Http.HttpResults;
using static AddonProvider.Web.Admin.AdminResourceEndpoints;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.Console;

/// <summary>Resources: search and detail (ResourceQueries, as GET /admin/resources) and "revoke now" (the admin rotation with revokePrevious).</summary>
public static class ResourcePages
{
    public static void MapResourcePages(this RouteGroupBuilder console)
    {
        // The same role as the admin API's resource routes.
        var group = console.MapGroup("/resources").RequireAuthorization(ConsoleAuth.OperatorPolicy);
        group.MapGet("/", List);
        group.MapGet("/{id:guid}", Detail);
        group.MapPost("/{id:guid}/revoke", Revoke);
    }

    private static async Task<ContentHttpResult> List(HttpContext http, ResourceQueries queries, Products products, CancellationToken ct,
        string? q = null, string? name = null, string? ownerEmail = null, string? product = null, string? plan = null, string? state = null,
        int? page = null, int? pageSize = null)
    {
        // One box takes an id; the named fields narrow further.
        Guid? id = Guid.TryParse(q, out var parsed) ? parsed : null;
        if (q is { Length: > 0 } && id is null) name ??= q;
        var filter = new ResourceFilter(id, name, product, plan, state, OwnerEmail: ownerEmail);
        var outcome = await queries.SearchAsync(filter, page, pageSize, ct);
        var form = H($"""
            <form method="get" action="/console/resources" class="search" id="search">
            <label>Id or app name <input name="q" value="{q}"></label>
            <label>Owner email <input name="ownerEmail" type="email" value="{ownerEmail}"></label>
            <label>Product <select name="product"><option value="">any</option>{products.All.Select(p => H($"<option value=\"{p.Id}\"{(p.Id == product ? H($" selected") : Empty)}>{p.Name}</option>"))}</select></label>
            <label>Plan <input name="plan" value="{plan}"></label>
            <label>State <select name="state"><option value="">any</option>{Enum.GetNames<Data.Entities.ResourceState>().Select(s => s.ToLowerInvariant()).Select(s => H($"<option{(s == state ? H($" selected") : Empty)}>{s}</option>"))}</select></label>
            <button type="submit">Search</button>
            </form>
            """);
        if (outcome.Failure is { } bad)
            return ConsolePage.Render(http, "Resources", H($"{form}<div class=\"errors\" role=\"alert\"><p>{bad.Message}</p></div>"), bad.Status);
        var result = outcome.Value!;
        var rows = result.Items.Select(r => H($"""
            <tr><td><a href="/console/resources/{r.Id}">{r.Name ?? r.Id.ToString()}</a><br><code>{r.Id}</code></td><td>{r.Product}</td><td>{r.Plan}</td>
            <td>{r.Region}</td><td><span class="state state-{r.State}">{r.State}</span></td><td>{r.OwnerEmail ?? "—"}</td><td>{r.CreatedAt:yyyy-MM-dd HH:mm}</td></tr>
            """));
        return ConsolePage.Render(http, "Resources", H($"""
            {form}
            <p id="total">{result.Total} resource{(result.Total == 1 ? "" : "s")}</p>
            {ConsolePage.Table(["App", "Product", "Plan", "Region", "State", "Owner", "Created (UTC)"], rows, "resources")}
            {Pager(http, result.Page, result.PageSize, result.Total)}
            """));
    }

    /// <summary>Previous/next links that keep every other query parameter.</summary>
    public static Html Pager(HttpContext http, int page, int pageSize, int total)
    {
        var pages = Math.Max(1, (int)Math.Ceiling(total / (double)pageSize));
        string Link(int p)
        {
            var query = http.Request.Query.Where(kv => kv.Key != "page").ToDictionary(kv => kv.Key, kv => (string?)kv.Value.ToString());
            query["page"] = p.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(http.Request.Path, query);
        }
        return H($"""
            <nav class="pager" aria-label="Pages">
            {When(page > 1, () => H($"<a href=\"{Link(page - 1)}\" rel=\"prev\">Previous</a>"))}
            <span>Page {page} of {pages}</span>
            {When(page < pages, () => H($"<a href=\"{Link(page + 1)}\" rel=\"next\" id=\"next-page\">Next</a>"))}
            </nav>
            """);
    }

    private static async Task<ContentHttpResult> Detail(Guid id, HttpContext http, ResourceQueries queries, Products products, CancellationToken ct, string? done = null)
    {
        var outcome = await queries.DetailAsync(id, ct);
        if (outcome.Failure is { } missing) return ConsolePage.Message(http, missing.Status, "Not found", missing.Message);
        var r = outcome.Value!;
        var note = await products.For(r.Product).ConsoleNoteAsync(id, ct);
        var planHistory = r.Audit.Where(a => a.Action is "provision" or "plan_change").OrderBy(a => a.At).ToList();
        var extra = http.RequestServices.GetServices<ConsoleResourceSection>();
        var sections = new List<Html>();
        foreach (var section in extra) sections.Add(await section.RenderAsync(http, r, ct));
        return ConsolePage.Render(http, r.Name ?? r.Id.ToString(), H($"""
            {When(done == "revoked", () => H($"<p class=\"saved\" role=\"status\" id=\"revoked\">A new credential was issued and every previous one was revoked now. Heroku receives the new config shortly.</p>"))}
            <dl class="facts" id="facts">
            <dt>Id</dt><dd><code>{r.Id}</code></dd>
            <dt>Product / plan</dt><dd>{r.Product} / {r.Plan} (originally {r.OriginalPlan})</dd>
            <dt>State</dt><dd><span class="state state-{r.State}" id="state">{r.State}</span></dd>
            <dt>Region</dt><dd>{r.Region}{(r.HerokuRegion is null ? "" : $" ({r.HerokuRegion})")}</dd>
            <dt>Owner</dt><dd>{r.OwnerEmail ?? "unknown"}</dd>
            <dt>Created</dt><dd>{r.CreatedAt:yyyy-MM-dd HH:mm} UTC</dd>
            </dl>
            {Join(sections)}
            {When(note is not null, () => H($"<section id=\"product-note\"><h2>{note!.Title}</h2><p>{note.Text}{When(note.Href is not null, () => H($" <a href=\"{note.Href}\">Open</a>"))}</p></section>"))}
            <section id="config-vars"><h2>Config vars</h2><p class="hint">Names only: values are secrets.</p>
            <ul>{r.ConfigVarNames.Select(n => H($"<li><code>{n}</code></li>"))}</ul></section>
            <section id="credentials"><h2>Credentials</h2>
            {(r.Credentials.Count == 0 ? H($"<p>This resource has no credential.</p>") : ConsolePage.Table(["Id", "User", "Created (UTC)", "Valid until", "State"],
                r.Credentials.Select(c => H($"<tr><td>{c.Id}</td><td>{c.Username ?? "—"}</td><td>{c.CreatedAt:yyyy-MM-dd HH:mm}</td><td>{(c.RevokedAt ?? c.ExpiresAt)?.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "—"}</td><td class=\"credential-{c.State}\">{c.State}</td></tr>")), "credential-list"))}
            {When(r.Credentials.Any(c => c.State is "current" or "expiring") && r.State == "provisioned", () => ConsolePage.Form(http, $"/console/resources/{r.Id}/revoke",
                H($"<p>Issues a new credential and ends every current one <strong>now</strong> (a leak). The customer's app fails until it restarts with the new config.</p>"),
                "Revoke now", "revoke-form", "danger"))}
            </section>
            <section id="contacts"><h2>Contacts</h2>
            {(r.SsoUsers.Count == 0 ? H($"<p>No dashboard logins yet.</p>") : ConsolePage.Table(["User", "Email", "Verified", "Last login (UTC)"],
                r.SsoUsers.Select(u => H($"<tr><td>{u.UserId}</td><td>{u.Email ?? "—"}</td><td class=\"{(u.Verified ? "verified" : "unverified")}\">{(u.Verified ? "verified" : "not verified: never mailed")}</td><td>{u.LastLoginAt:yyyy-MM-dd HH:mm}</td></tr>")), "contact-list"))}
            </section>
            <section id="usage"><h2>Usage</h2>
            {(r.Usage is null ? H($"<p>This product counts no usage.</p>") : H($"<pre>{JsonSerializer.Serialize(r.Usage, Indented)}</pre>"))}
            </section>
            <section id="plan-history"><h2>Plan history</h2>
            <ol>{planHistory.Select(a => H($"<li>{a.At:yyyy-MM-dd HH:mm} UTC — {a.Action}: {a.Before ?? ""} → {a.After ?? ""} ({a.Actor})</li>"))}</ol>
            </section>
            <section id="audit"><h2>Audit trail</h2>
            {ConsolePage.Table(["At (UTC)", "Actor", "Action", "Before", "After"], r.Audit.Select(a => H($"<tr><td>{a.At:yyyy-MM-dd HH:mm:ss}</td><td>{a.Actor}</td><td>{a.Action}</td><td>{a.Before ?? ""}</td><td>{a.After ?? ""}</td></tr>")), "audit-list")}
            </section>
            """));
    }

    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static async Task<IResult> Revoke(Guid id, HttpContext http, IFormCollection form, CredentialRotation rotation, CancellationToken ct)
    {
        var outcome = await rotation.RotateAsync(id, http.User.Actor(), http.TraceIdentifier, revokePrevious: true, ct);
        if (outcome.Failure is { } f) return ConsolePage.Message(http, f.Status, "Not revoked", f.Message);
        return TypedResults.Redirect($"/console/resources/{id}?done=revoked");
    }
}

/// <summary>
/// A section another feature adds to the console's resource page (suspend and resume, say), rendered below the facts.
/// Registered as a service so a feature adds one without editing this page.
/// </summary>
public abstract class ConsoleResourceSection
{
    public abstract Task<Html> RenderAsync(HttpContext http, ResourceDetail resource, CancellationToken ct);
}
