using System.Net;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Operators;

/// <summary>The console's suspend and resume forms: the same service as the admin API, its role, its antiforgery token.</summary>
public sealed class ConsoleSuspensionTests(OperatorsFixture app) : IClassFixture<OperatorsFixture>
{
    private async Task<(string? State, int Audits)> StoredAsync(Guid id)
    {
        using var detail = await app.SendAsync(HttpMethod.Get, $"/admin/resources/{id}", role: AdminRoles.Operator);
        var body = await detail.ExpectAsync(HttpStatusCode.OK);
        await using var db = app.Db();
        return (body.GetProperty("state").GetString(), await db.AuditLog.CountAsync(a => a.ResourceId == id && (a.Action == "suspend" || a.Action == "resume")));
    }

    [Fact]
    public async Task Operator_SuspendsAndResumesFromTheResourcePage_AuditedAsThemselves()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        using var client = await ConsoleClient.SignedInAsync(app, AdminRoles.Operator);
        var page = $"/console/resources/{id}";
        Assert.Contains("id=\"suspend-form\"", await client.GetPageAsync(page));

        using (var suspended = await client.PostAsync($"{page}/suspend", new() { ["reason"] = "Chargeback on the last invoice" }))
            Assert.Equal($"{page}?done=suspended", suspended.Headers.Location?.ToString());
        var html = await client.GetPageAsync($"{page}?done=suspended");
        Assert.Contains("<span id=\"suspension-reason\">Chargeback on the last invoice</span>", html);
        Assert.Contains("id=\"resume-form\"", html);
        Assert.Equal(("suspended", 1), await StoredAsync(id));

        using (var resumed = await client.PostAsync($"{page}/resume", new() { ["reason"] = "" }))
            Assert.Equal($"{page}?done=resumed", resumed.Headers.Location?.ToString());
        Assert.Equal(("provisioned", 2), await StoredAsync(id));
        await using var db = app.Db();
        Assert.All(await db.AuditLog.Where(a => a.ResourceId == id && (a.Action == "suspend" || a.Action == "resume")).ToListAsync(),
            a => Assert.Equal("admin:alice", a.Actor));
    }

    [Fact]
    public async Task Suspend_WithABlankReason_IsAPageSayingSoAndChangesNothing()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        using var client = await ConsoleClient.SignedInAsync(app, AdminRoles.Operator);
        await client.GetPageAsync($"/console/resources/{id}");
        using var refused = await client.PostAsync($"/console/resources/{id}/suspend", new() { ["reason"] = "   " });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("reason is required", await refused.Content.ReadAsStringAsync());
        Assert.Equal(("provisioned", 0), await StoredAsync(id));
    }

    [Fact]
    public async Task Suspend_WithoutItsAntiforgeryToken_ChangesNothing()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        using var client = await ConsoleClient.SignedInAsync(app, AdminRoles.Operator);
        await client.GetPageAsync($"/console/resources/{id}");
        using var forged = await client.PostAsync($"/console/resources/{id}/suspend", new() { ["reason"] = "forged" }, withAntiforgery: false);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(("provisioned", 0), await StoredAsync(id));

        await client.PostAsync($"/console/resources/{id}/suspend", new() { ["reason"] = "real" });
        using var forgedResume = await client.PostAsync($"/console/resources/{id}/resume", new(), withAntiforgery: false);
        Assert.Equal(HttpStatusCode.BadRequest, forgedResume.StatusCode);
        Assert.Equal(("suspended", 1), await StoredAsync(id));
    }

    [Fact]
    public async Task SecurityOperator_CannotSuspendOrResume()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        using var client = await ConsoleClient.SignedInAsync(app, AdminRoles.Security);
        // The 403 page still carries a token (its sign-out form), so the refusal below is the role's, not the token's.
        await client.GetPageAsync($"/console/resources/{id}", HttpStatusCode.Forbidden);
        using (var refused = await client.PostAsync($"/console/resources/{id}/suspend", new() { ["reason"] = "not mine to do" }))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(("provisioned", 0), await StoredAsync(id));

        using (var suspend = await app.SendAsync(HttpMethod.Post, $"/admin/resources/{id}/suspend", new { reason = "by an operator" }, role: AdminRoles.Operator))
            await suspend.ExpectAsync(HttpStatusCode.OK);
        using (var refused = await client.PostAsync($"/console/resources/{id}/resume", new()))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(("suspended", 1), await StoredAsync(id));
    }
}
