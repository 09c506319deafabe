using System.Net;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Jobs;
using AddonProvider.Web.Secrets;
using AddonProvider.Web.Sso;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace AddonProvider.Tests.Jobs;

/// <summary>The app (web role, the test plays the worker) on a clock the test moves forward past the retention period.</summary>
public sealed class RetentionFixture : AdminFixture
{
    public TestClock TestClock { get; } = new(DateTimeOffset.UtcNow);
    public override TimeProvider Clock => TestClock;

    public void Advance(TimeSpan by) => TestClock.Now += by;

    public string Pseudonym(string identifier) => App.Services.GetRequiredService<SecretBox>().Pseudonym(identifier);
}

/// <summary>
/// Each decision class of <see cref="RetentionPolicy"/> after a real customer's life: provision, SSO login, a security
/// report with an operator's reply, an advisory mailed to the customer, a credential rotation from the dashboard,
/// deprovision; then RETENTION_PERIOD (30 days) passes and the hourly job runs.
/// </summary>
public sealed class RetentionPolicyTests(RetentionFixture app) : IClassFixture<RetentionFixture>
{
    private sealed record Customer(Guid Id, string Email, string UserId, Guid ReportId, Guid AdvisoryId);

    /// <summary>A KafkaCluster customer whose email and Heroku user id reach every table that can hold them.</summary>
    private async Task<Customer> CustomerAsync()
    {
        var email = $"Dev.{Guid.NewGuid():N}@Customer.example"; // mixed case: pseudonyms must not depend on it
        var userId = Guid.NewGuid().ToString();
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        await using (var db = app.Db()) // as the Platform API owner look-up leaves it (no grant in this fixture)
            await db.Resources.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.OwnerEmail, email).SetProperty(r => r.OwnerEmailRefreshedAt, DateTime.UtcNow));
        var client = await app.SsoLoginAsync(id, userId, email);

        using (var sent = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/security/report", $"/dashboard/{id}/security/report",
                   new Dictionary<string, string> { ["text"] = $"Another tenant's topic showed up. Reach me at {email}.", ["reporter_email"] = email, ["reporter_name"] = "Dee Veloper" }))
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Guid reportId;
        await using (var db = app.Db()) reportId = await db.SecurityReports.Where(r => r.ResourceId == id).Select(r => r.Id).SingleAsync();
        using (var reply = await app.SendAsync(HttpMethod.Post, $"/admin/security-reports/{reportId}/replies", new { body = $"Thanks {email}, we are looking into it." }))
            await reply.ExpectAsync(HttpStatusCode.Accepted);

        using (var rotated = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/kafka/rotate", $"/dashboard/{id}/kafka/rotate", new Dictionary<string, string>()))
            Assert.Equal(HttpStatusCode.Redirect, rotated.StatusCode);

        Guid advisoryId;
        using (var created = await app.SendAsync(HttpMethod.Post, "/admin/advisories", Security.AdvisoryApiTests.Body(new { resourceIds = new[] { id } }, $"Advisory for {id}")))
            advisoryId = (await created.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        using (var published = await app.SendAsync(HttpMethod.Post, $"/admin/advisories/{advisoryId}/publish"))
            await published.ExpectAsync(HttpStatusCode.Accepted);
        Assert.Empty(await app.RunJobsAsync()); // the worker: reply mail, advisory fan-out and delivery, config pushes

        await using (var db = app.Db())
        {
            Assert.True(await db.AdvisoryNotifications.AnyAsync(n => n.AdvisoryId == advisoryId && n.EmailKey == email.ToLowerInvariant() && n.Status == NotificationStatus.Sent),
                "the advisory reached the customer");
            Assert.True(await db.AuditLog.AnyAsync(a => a.ResourceId == id && a.Actor == $"heroku-user:{userId}"), "the dashboard rotation is audited with the user id");
        }
        return new Customer(id, email, userId, reportId, advisoryId);
    }

    private async Task DeprovisionAndPurgeAsync(params Guid[] ids)
    {
        foreach (var id in ids) await (await app.DeprovisionAsync("kafkacluster", id)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Empty(await app.RunJobsAsync()); // kafka.tear-down
        app.Advance(TimeSpan.FromDays(31));
        Assert.Null(await app.RunJobAsync(JobKinds.PurgeDeprovisioned, ""));
    }

    /// <summary>Rows in any table of the model (cast to text, so every column counts) that contain <paramref name="needle"/>.</summary>
    private static async Task<List<string>> TablesContainingAsync(AddonDbContext db, string needle)
    {
        var found = new List<string>();
        foreach (var table in db.Model.GetEntityTypes().Select(e => e.GetTableName()!).Distinct())
        {
            // The table name comes from our own model; the needle is a parameter.
            var sql = "SELECT count(*)::int AS \"Value\" FROM \"" + table + "\" t WHERE strpos(lower(t::text), lower({0})) > 0";
            if (await db.Database.SqlQueryRaw<int>(sql, needle).SingleAsync() is > 0 and var n) found.Add($"{table} ({n})");
        }
        return found;
    }

    [Fact]
    public async Task Purge_DeletesTheCustomersData_InsideAndOutsideTheResourcesForeignKeys()
    {
        var gone = await CustomerAsync();
        var live = await CustomerAsync();
        await using (var db = app.Db())
            Assert.True(await db.Outbox.AnyAsync(m => m.Argument == gone.Id.ToString()), "the customer's work items name the resource before the purge");

        await DeprovisionAndPurgeAsync(gone.Id);

        await using var check = app.Db();
        foreach (var (table, column) in RetentionPurgeJob.DependentTables(check.Model))
        {
            var sql = "SELECT count(*)::int AS \"Value\" FROM " + table + " WHERE \"" + column + "\" = {0}"; // names from our own model
            var left = await check.Database.SqlQueryRaw<int>(sql, gone.Id).SingleAsync();
            Assert.True(left == 0, $"{table} still has {left} rows of the purged resource");
        }
        Assert.False(await check.Outbox.AnyAsync(m => m.Argument == gone.Id.ToString()), "outbox rows naming the purged resource are deleted");
        await SsoTokenPurge.PurgeAsync(app.App.Services.GetRequiredService<IServiceScopeFactory>(), app.Clock, CancellationToken.None); // its 5-minute timer, now
        Assert.Empty(await TablesContainingAsync(check, gone.UserId));

        // The live customer keeps everything.
        Assert.True(await check.SsoUsers.AnyAsync(u => u.ResourceId == live.Id && u.UserId == live.UserId));
        Assert.True(await check.Credentials.AnyAsync(c => c.ResourceId == live.Id));
        Assert.True(await check.AdvisoryTargets.AnyAsync(t => t.ResourceId == live.Id));
        Assert.Null((await check.Resources.SingleAsync(r => r.Id == live.Id)).PurgedAt);
    }

    [Fact]
    public async Task Purge_KeepsAuditReportsAndNotifications_WithTheCustomersIdentityAsKeyedPseudonyms()
    {
        var gone = await CustomerAsync();
        var live = await CustomerAsync();
        await using (var legacy = app.Db()) // as versions before verified identities audited a report: the typed address as actor
        {
            legacy.AuditLog.Add(new AuditEntry { At = DateTime.UtcNow, Actor = $"customer:{gone.Email}", Action = "legacy-report", ResourceId = gone.Id,
                Detail = $$"""{"note":"from {{gone.Email}}"}""" });
            await legacy.SaveChangesAsync();
        }

        await DeprovisionAndPurgeAsync(gone.Id);

        await using var db = app.Db();
        var email = app.Pseudonym(gone.Email);
        Assert.Equal(email, app.Pseudonym(gone.Email.ToLowerInvariant()));
        Assert.Matches("^anon:[0-9a-f]{32}$", email);

        var audit = await db.AuditLog.AsNoTracking().Where(a => a.ResourceId == gone.Id).ToListAsync();
        var actions = audit.Select(a => a.Action).ToList();
        foreach (var action in new[] { "provision", "security-report.submit", "credential_rotate", "deprovision", "purge" })
            Assert.Contains(action, actions);
        Assert.Equal($"heroku-user:{app.Pseudonym(gone.UserId)}", audit.Single(a => a.Action == "security-report.submit").Actor);
        Assert.Equal($"heroku-user:{app.Pseudonym(gone.UserId)}", audit.Single(a => a.Action == "credential_rotate").Actor);
        Assert.Equal($"customer:{email}", audit.Single(a => a.Action == "legacy-report").Actor);
        Assert.Equal($"from {email}", System.Text.Json.JsonDocument.Parse(audit.Single(a => a.Action == "legacy-report").Detail!).RootElement.GetProperty("note").GetString());
        Assert.Equal("heroku:kafkacluster", audit.Single(a => a.Action == "deprovision").Actor); // Heroku itself is no customer

        var report = await db.SecurityReports.AsNoTracking().SingleAsync(r => r.Id == gone.ReportId);
        Assert.Equal((email, (string?)null), (report.ReporterEmail, report.ReporterName));
        Assert.Equal($"Another tenant's topic showed up. Reach me at {email}.", report.Text); // the evidence stays, the address does not
        var reply = await db.SecurityReportReplies.AsNoTracking().SingleAsync(r => r.ReportId == gone.ReportId);
        Assert.Equal((email, $"Thanks {email}, we are looking into it.", NotificationStatus.Sent), (reply.ToEmail, reply.Body, reply.Status));
        Assert.StartsWith("admin:", reply.Author);
        var notification = await db.AdvisoryNotifications.AsNoTracking().SingleAsync(n => n.AdvisoryId == gone.AdvisoryId);
        Assert.Equal((email, email, NotificationStatus.Sent), (notification.Email, notification.EmailKey, notification.Status));

        await SsoTokenPurge.PurgeAsync(app.App.Services.GetRequiredService<IServiceScopeFactory>(), app.Clock, CancellationToken.None);
        Assert.Empty(await TablesContainingAsync(db, gone.Email));
        Assert.Empty(await TablesContainingAsync(db, gone.UserId));

        // The live customer's rows still name them.
        Assert.Equal(live.Email, (await db.SecurityReports.AsNoTracking().SingleAsync(r => r.Id == live.ReportId)).ReporterEmail);
        Assert.Equal(live.Email.ToLowerInvariant(), (await db.AdvisoryNotifications.AsNoTracking().SingleAsync(n => n.AdvisoryId == live.AdvisoryId)).EmailKey);
        Assert.True(await db.AuditLog.AnyAsync(a => a.ResourceId == live.Id && a.Actor == $"heroku-user:{live.UserId}"));

        // A second run changes nothing.
        async Task<List<string>> AuditAsync() => (await db.AuditLog.AsNoTracking().Where(a => a.ResourceId == gone.Id).OrderBy(a => a.Id).ToListAsync())
            .Select(a => $"{a.Actor} {a.Before} {a.After} {a.Detail}").ToList();
        var before = await AuditAsync();
        Assert.Null(await app.RunJobAsync(JobKinds.PurgeDeprovisioned, ""));
        Assert.Equal(before, await AuditAsync());
    }

    [Fact]
    public async Task Purge_KeepsTheTombstoneCatalogAdvisoriesAndKeyRing_AndARepeatedDeleteIsStill204()
    {
        var gone = await CustomerAsync();
        var live = await CustomerAsync();
        int products, plans, models;
        Resource liveBefore, goneBefore;
        List<string> keys;
        await using (var db = app.Db())
        {
            (products, plans, models) = (await db.Products.CountAsync(), await db.Plans.CountAsync(), await db.InferenceModels.CountAsync());
            liveBefore = await db.Resources.AsNoTracking().SingleAsync(r => r.Id == live.Id);
            goneBefore = await db.Resources.AsNoTracking().SingleAsync(r => r.Id == gone.Id);
            keys = await db.DataProtectionKeys.OrderBy(k => k.Id).Select(k => k.Xml!).ToListAsync();
        }

        await DeprovisionAndPurgeAsync(gone.Id);

        await using var check = app.Db();
        Assert.Equal((products, plans, models), (await check.Products.CountAsync(), await check.Plans.CountAsync(), await check.InferenceModels.CountAsync()));
        Assert.Equal(keys, await check.DataProtectionKeys.OrderBy(k => k.Id).Select(k => k.Xml!).ToListAsync());
        var advisory = await check.Advisories.AsNoTracking().SingleAsync(a => a.Id == gone.AdvisoryId);
        Assert.Equal([gone.Id], advisory.AffectedResourceIds);

        var tombstone = await check.Resources.AsNoTracking().SingleAsync(r => r.Id == gone.Id);
        Assert.NotNull(tombstone.PurgedAt);
        Assert.Equal((goneBefore.ProductId, goneBefore.PlanSlug, goneBefore.Region, ResourceState.Deprovisioned, goneBefore.CreatedAt, goneBefore.PublicAppId),
            (tombstone.ProductId, tombstone.PlanSlug, tombstone.Region, tombstone.State, tombstone.CreatedAt, tombstone.PublicAppId));
        Assert.Equal((null, null, null, null, null),
            (tombstone.Name, tombstone.CallbackUrl, tombstone.HerokuId, tombstone.OwnerEmail, tombstone.OwnerEmailRefreshedAt));
        var liveAfter = await check.Resources.AsNoTracking().SingleAsync(r => r.Id == live.Id);
        Assert.Equal((liveBefore.Name, liveBefore.State, liveBefore.UpdatedAt, liveBefore.PurgedAt), (liveAfter.Name, liveAfter.State, liveAfter.UpdatedAt, liveAfter.PurgedAt));

        await (await app.DeprovisionAsync("kafkacluster", gone.Id)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(tombstone.UpdatedAt, (await check.Resources.AsNoTracking().SingleAsync(r => r.Id == gone.Id)).UpdatedAt);
    }

    [Fact]
    public async Task SweepByAge_DeletesClosedReportsFinishedNotificationsAndDispatchedWork_KeepsOpenReports()
    {
        var closed = await CustomerAsync(); // the resource stays live: these go by age, not with the resource
        var open = await CustomerAsync();
        using (var resolved = await app.SendAsync(HttpMethod.Patch, $"/admin/security-reports/{closed.ReportId}", new { status = "resolved" }))
            await resolved.ExpectAsync(HttpStatusCode.OK);
        await using (var db = app.Db())
            Assert.True(await db.Outbox.AnyAsync(m => m.DispatchedAt != null), "dispatched work items exist before the sweep");

        app.Advance(TimeSpan.FromDays(366));
        Assert.Null(await app.RunJobAsync(JobKinds.PurgeDeprovisioned, ""));

        await using var check = app.Db();
        Assert.False(await check.SecurityReports.AnyAsync(r => r.Id == closed.ReportId), "a report resolved over a year ago is gone");
        Assert.False(await check.SecurityReportReplies.AnyAsync(r => r.ReportId == closed.ReportId), "with its replies");
        Assert.True(await check.SecurityReports.AnyAsync(r => r.Id == open.ReportId), "an open report stays until an operator closes it");
        Assert.False(await check.AdvisoryNotifications.AnyAsync(n => n.AdvisoryId == closed.AdvisoryId || n.AdvisoryId == open.AdvisoryId),
            "notifications sent over a year ago are gone");
        Assert.True(await check.Advisories.AnyAsync(a => a.Id == closed.AdvisoryId), "the advisory itself stays");
        Assert.False(await check.Outbox.AnyAsync(m => m.DispatchedAt != null), "dispatched work items older than a week are gone");
        var sweep = await check.AuditLog.AsNoTracking().Where(a => a.Action == "retention_sweep").OrderBy(a => a.Id).LastAsync();
        Assert.Equal(RetentionPurgeJob.Actor, sweep.Actor);
    }
}

/// <summary>The map itself: every entity type of the EF model has a decision, and tables tied to resources are purged with them.</summary>
public sealed class RetentionMapTests
{
    private static IModel Model()
    {
        using var db = new AddonDbContext(new DbContextOptionsBuilder<AddonDbContext>().UseNpgsql("Host=unused").Options);
        return db.Model;
    }

    [Fact]
    public void EveryEntityTypeOfTheModel_HasARetentionDecision()
    {
        var unmapped = RetentionPolicy.Unmapped(Model());
        Assert.True(unmapped.Count == 0, $"no retention decision in Jobs/RetentionPolicy.cs for: {string.Join(", ", unmapped)}");
        var stale = RetentionPolicy.Rules.Keys.Except(Model().GetEntityTypes().Select(e => e.ClrType)).Select(t => t.Name).ToList();
        Assert.True(stale.Count == 0, $"Jobs/RetentionPolicy.cs names types the model no longer has: {string.Join(", ", stale)}");
    }

    [Fact]
    public void AnEntityAddedWithoutADecision_IsNamed_AndStopsThePurge()
    {
        var builder = new ModelBuilder();
        builder.Entity<Resource>().ToTable("resources");
        builder.Entity<Forgotten>().ToTable("forgotten").HasOne<Resource>().WithMany().HasForeignKey(f => f.ResourceId);
        var model = builder.FinalizeModel();

        Assert.Equal(["Forgotten (table forgotten)"], RetentionPolicy.Unmapped(model));
        var refused = Assert.Throws<InvalidOperationException>(() => RetentionPurgeJob.DependentTables(model));
        Assert.Contains("Forgotten", refused.Message);
    }

    [Fact]
    public void EveryTableWithAForeignKeyToResources_IsPurgedWithIt()
    {
        var model = Model();
        var resource = model.FindEntityType(typeof(Resource))!;
        var dependents = model.GetEntityTypes().Where(e => e.GetForeignKeys().Any(fk => fk.PrincipalEntityType == resource)).ToList();
        Assert.NotEmpty(dependents);
        Assert.All(dependents, e => Assert.Equal(RetentionDecision.Purge, RetentionPolicy.For(e).Decision));
        Assert.Equal(dependents.Count, RetentionPurgeJob.DependentTables(model).Count);
    }

    private sealed class Forgotten
    {
        public long Id { get; set; }
        public Guid ResourceId { get; set; }
    }
}

/// <summary>What the purge keeps, turned into pseudonyms: operators and system actors stay, customers do not.</summary>
public sealed class PseudonymiserTests
{
    private static readonly SecretBox Box = new(Convert.FromBase64String(SecretBox.DevKey));
    private readonly Pseudonymiser _p = new(Box);

    [Theory]
    [InlineData("admin:ops-7")]
    [InlineData("heroku:kafkacluster")]
    [InlineData("retention")]
    [InlineData("kafka-provisioner")]
    [InlineData("customer")]
    public void Actor_OperatorsHerokuAndJobs_StayAsTheyAre(string actor) => Assert.Equal(actor, _p.Actor(actor));

    [Theory]
    [InlineData("customer:Bob@Example.com", "customer:", "bob@example.com")]
    [InlineData("heroku-user:89abcdef-0123-4567-89ab-cdef01234567", "heroku-user:", "89abcdef-0123-4567-89ab-cdef01234567")]
    [InlineData("bob@example.com", "", "bob@example.com")]
    [InlineData("89abcdef-0123-4567-89ab-cdef01234567", "", "89abcdef-0123-4567-89ab-cdef01234567")]
    public void Actor_CustomerIdentities_BecomePseudonyms_Idempotently(string actor, string kind, string identifier)
    {
        var once = _p.Actor(actor);
        Assert.Equal(kind + Box.Pseudonym(identifier), once);
        Assert.Equal(once, _p.Actor(once));
    }

    [Fact]
    public void Json_EscapedAddresses_AreReplaced_AndTheDocumentStaysValid()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new { to = "a+b@example.com", note = "cc c@example.org", n = 3 }); // '+' is escaped as \u002B
        var replaced = _p.Json(json)!;
        var parsed = System.Text.Json.JsonDocument.Parse(replaced).RootElement;
        Assert.Equal(Box.Pseudonym("a+b@example.com"), parsed.GetProperty("to").GetString());
        Assert.Equal($"cc {Box.Pseudonym("c@example.org")}", parsed.GetProperty("note").GetString());
        Assert.Equal(3, parsed.GetProperty("n").GetInt32());
        Assert.Equal("""{"region":"us"}""", _p.Json("""{"region":"us"}"""));
    }
}
