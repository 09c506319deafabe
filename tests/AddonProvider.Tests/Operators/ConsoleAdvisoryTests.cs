using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Admin;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Operators;

/// <summary>Advisories from the console: role and CSRF negatives for every action, the draft preview, and resend of failed recipients.</summary>
public sealed class ConsoleAdvisoryTests(OperatorsFixture app) : IClassFixture<OperatorsFixture>
{
    private static Dictionary<string, string> Draft(string title, Guid resourceId) => new()
    {
        ["title"] = title, ["severity"] = "high", ["summary"] = "A flaw.", ["assessment"] = "Check logs.", ["mitigation"] = "Rotate.",
        ["resourceIds"] = resourceId.ToString(),
    };

    private async Task<Guid> PublishedAdvisoryAsync(Guid resourceId)
    {
        using var created = await app.SendAsync(HttpMethod.Post, "/admin/advisories", new
        {
            title = "Published " + Guid.NewGuid(), severity = "low", summary = "s", assessment = "a", mitigation = "m",
            affected = new { resourceIds = new[] { resourceId } },
        });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var published = await app.SendAsync(HttpMethod.Post, $"/admin/advisories/{id}/publish");
        Assert.Equal(HttpStatusCode.Accepted, published.StatusCode);
        return id;
    }

    [Fact]
    public async Task Compose_ByOperatorRoleOrWithoutAntiforgery_CreatesNothing()
    {
        var r = await app.ResourceAsync(owner: "compose@example.com");
        var title = "Negative " + Guid.NewGuid();
        using var op = await ConsoleClient.SignedInAsync(app, AdminRoles.Operator);
        await op.GetPageAsync("/console/resources");
        using (var forbidden = await op.PostAsync("/console/advisories", Draft(title, r.Id))) Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using (var preview = await op.PostAsync("/console/api/advisories/preview", Draft(title, r.Id))) Assert.Equal(HttpStatusCode.Forbidden, preview.StatusCode);

        using var sec = await ConsoleClient.SignedInAsync(app, AdminRoles.Security);
        await sec.GetPageAsync("/console/advisories/new");
        using (var forged = await sec.PostAsync("/console/advisories", Draft(title, r.Id), withAntiforgery: false)) Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using (var forgedPreview = await sec.PostAsync("/console/api/advisories/preview", Draft(title, r.Id), withAntiforgery: false))
            Assert.Equal(HttpStatusCode.BadRequest, forgedPreview.StatusCode);
        await using var db = app.Db();
        Assert.False(await db.Advisories.AnyAsync(a => a.Title == title));

        using var ok = await sec.PostAsync("/console/advisories", Draft(title, r.Id));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var saved = await db.Advisories.SingleAsync(a => a.Title == title);
        Assert.Equal("admin:alice", saved.CreatedBy);
        var audits = await db.AuditLog.Where(a => a.Action == "advisory.create" && a.Actor == "admin:alice").Select(a => a.Detail).ToListAsync();
        Assert.Contains(audits, d => d!.Contains(saved.Id.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task DraftPreview_IsTheEmail_WithItsReach()
    {
        var r = await app.ResourceAsync(owner: "Reach@Example.com", ssoEmails: ["reach@example.com", "other@example.com"], unverifiedSsoEmails: ["claimed@example.com"]);
        using var sec = await ConsoleClient.SignedInAsync(app, AdminRoles.Security);
        await sec.GetPageAsync("/console/advisories/new");
        using var response = await sec.PostAsync("/console/api/advisories/preview", Draft("Preview title", r.Id));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[Security advisory] [HIGH] Preview title", body.GetProperty("email").GetProperty("subject").GetString());
        Assert.Contains(r.Name!, body.GetProperty("email").GetProperty("text").GetString());
        // Owner and a verified login share an address (one recipient); the unverified one is never mailed.
        Assert.Equal(1, body.GetProperty("reach").GetProperty("resources").GetInt32());
        Assert.Equal(2, body.GetProperty("reach").GetProperty("recipients").GetInt32());

        using var invalid = await sec.PostAsync("/console/api/advisories/preview", new() { ["title"] = "", ["severity"] = "high" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        Assert.Contains("title", (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Publish_ByOperatorRole_WithoutAntiforgery_OrWithoutConfirmation_LeavesTheDraft()
    {
        var r = await app.ResourceAsync(owner: "publish@example.com");
        using var sec = await ConsoleClient.SignedInAsync(app, AdminRoles.Security);
        await sec.GetPageAsync("/console/advisories/new");
        using var created = await sec.PostAsync("/console/advisories", Draft("Publish negative", r.Id));
        var id = Guid.Parse(created.Headers.Location!.OriginalString.Split('/').Last());
        var confirm = await sec.GetPageAsync($"/console/advisories/{id}/publish");
        Assert.Contains("id=\"confirm-recipients\">1<", confirm);

        using var op = await ConsoleClient.SignedInAsync(app, AdminRoles.Operator);
        await op.GetPageAsync("/console/resources");
        using (var forbidden = await op.PostAsync($"/console/advisories/{id}/publish", new() { ["confirm"] = "yes" })) Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using (var forged = await sec.PostAsync($"/console/advisories/{id}/publish", new() { ["confirm"] = "yes" }, withAntiforgery: false))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using (var unconfirmed = await sec.PostAsync($"/console/advisories/{id}/publish", [])) Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        await using (var db = app.Db())
        {
            Assert.Equal(AdvisoryStatus.Draft, (await db.Advisories.SingleAsync(a => a.Id == id)).Status);
            Assert.False(await db.Outbox.AnyAsync(m => m.Argument == id.ToString()));
        }

        using var published = await sec.PostAsync($"/console/advisories/{id}/publish", new() { ["confirm"] = "yes" });
        Assert.Equal($"/console/advisories/{id}/progress", published.Headers.Location?.OriginalString);
        await using var after = app.Db();
        var advisory = await after.Advisories.SingleAsync(a => a.Id == id);
        Assert.Equal(AdvisoryStatus.Published, advisory.Status);
        Assert.Equal("admin:alice", advisory.PublishedBy);
    }

    [Fact]
    public async Task Resend_PutsFailedRecipientsBackAndDelivers_ButNotForTheOperatorRoleOrAForgedForm()
    {
        var owner = $"bounce-{Guid.NewGuid():N}@example.com";
        var r = await app.ResourceAsync(owner: owner);
        app.Smtp.RecipientReply = to => to.Contains(owner, StringComparison.OrdinalIgnoreCase) ? "550 5.1.1 no such user" : null;
        var id = await PublishedAdvisoryAsync(r.Id);
        await app.RunJobsAsync();
        app.Smtp.RecipientReply = _ => null;
        using var sec = await ConsoleClient.SignedInAsync(app, AdminRoles.Security);
        var progress = await sec.GetPageAsync($"/console/advisories/{id}/progress");
        Assert.Contains(owner, progress);
        Assert.Contains("id=\"resend-form\"", progress);

        using var op = await ConsoleClient.SignedInAsync(app, AdminRoles.Operator);
        await op.GetPageAsync("/console/resources");
        using (var forbidden = await op.PostAsync($"/console/advisories/{id}/resend", [])) Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using (var forged = await sec.PostAsync($"/console/advisories/{id}/resend", [], withAntiforgery: false)) Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        await using (var db = app.Db())
            Assert.Equal(NotificationStatus.Failed, (await db.AdvisoryNotifications.SingleAsync(n => n.AdvisoryId == id)).Status);

        using var resent = await sec.PostAsync($"/console/advisories/{id}/resend", []);
        Assert.Equal($"/console/advisories/{id}/progress?resent=1", resent.Headers.Location?.OriginalString);
        Assert.Empty(await app.RunJobsAsync());
        await using var after = app.Db();
        Assert.Equal(NotificationStatus.Sent, (await after.AdvisoryNotifications.SingleAsync(n => n.AdvisoryId == id)).Status);
        Assert.True(await after.AuditLog.AnyAsync(a => a.Action == "advisory.resend" && a.Actor == "admin:alice"));
        Assert.Contains(app.Smtp.Accepted, m => m.To.Any(t => t.Contains(owner, StringComparison.OrdinalIgnoreCase)) && m.Subject!.Contains("Published"));
    }
}
