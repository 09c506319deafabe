using System.Net;
using System.Text;
using System.Text.Json;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Security;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace AddonProvider.Tests.Security;

/// <summary>Publishing → resolve → batched SMTP delivery, against the in-process SMTP server; the test plays the worker.</summary>
public sealed class FanOutTests(AdminFixture app) : IClassFixture<AdminFixture>
{
    private static string Email(string who) => $"{who}-{Guid.NewGuid():N}@customer.example";

    private async Task<Guid> PublishAsync(object affected, string title = "Broker auth bypass")
    {
        using var created = await app.SendAsync(HttpMethod.Post, "/admin/advisories", AdvisoryApiTests.Body(affected, title));
        var id = (await created.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        using var published = await app.SendAsync(HttpMethod.Post, $"/admin/advisories/{id}/publish");
        await published.ExpectAsync(HttpStatusCode.Accepted);
        return id;
    }

    private async Task<JsonElement> ProgressAsync(Guid id)
    {
        using var response = await app.SendAsync(HttpMethod.Get, $"/admin/advisories/{id}/progress");
        return await response.ExpectAsync(HttpStatusCode.OK);
    }

    private static MimeMessage Parse(SmtpListener.Message m) => MimeMessage.Load(new MemoryStream(Encoding.Latin1.GetBytes(m.Raw)));

    [Fact]
    public async Task TheRightCustomers_AndOnlyThey_ReceiveTheAdvisory()
    {
        var (owner, sso, other) = (Email("owner"), Email("sso"), Email("other"));
        var since = DateTime.UtcNow.AddDays(-30);
        var a = await app.ResourceAsync("kafkacluster", "starter", "eu", owner, [owner.ToUpperInvariant(), sso], name: "a-app", createdAt: since.AddDays(1));
        var g = await app.ResourceAsync("kafkacluster", "starter", "eu", " " + owner.ToUpperInvariant(), name: "g-app", createdAt: since.AddDays(2));
        var unreachable = await app.ResourceAsync("kafkacluster", "starter", "eu", null, name: "f-app", createdAt: since.AddDays(3));
        var wrongRegion = await app.ResourceAsync("kafkacluster", "starter", "us", Email("us"), createdAt: since.AddDays(1));
        var wrongPlan = await app.ResourceAsync("kafkacluster", "basic-0", "eu", Email("plan"), createdAt: since.AddDays(1));
        var gone = await app.ResourceAsync("kafkacluster", "starter", "eu", Email("gone"), [Email("gone-sso")], ResourceState.Deprovisioned, since.AddDays(1));
        var tooOld = await app.ResourceAsync("kafkacluster", "starter", "eu", Email("old"), createdAt: since.AddDays(-1));
        var otherProduct = await app.ResourceAsync("mobiloud", "starter", "eu", other, createdAt: since.AddDays(1));

        var id = await PublishAsync(new { plans = new[] { "kafkacluster:starter" }, regions = new[] { "eu" }, provisionedFrom = since });
        Assert.Empty(await app.RunJobsAsync());

        var mine = app.Smtp.Accepted.Where(m => Parse(m).Headers["X-Advisory-Id"] == id.ToString()).ToList();
        Assert.Equal(new[] { owner, sso }.Order(), mine.SelectMany(m => m.To).Select(t => t.ToLowerInvariant()).Order());
        var ownerMail = Parse(mine.Single(m => m.To.Single().Equals(owner, StringComparison.OrdinalIgnoreCase)));
        Assert.Contains("a-app", ownerMail.TextBody);
        Assert.Contains("g-app", ownerMail.TextBody); // one email for both of the owner's resources
        Assert.StartsWith($"advisory-{id:N}-", ownerMail.MessageId);
        foreach (var r in new[] { wrongRegion, wrongPlan, gone, tooOld, otherProduct })
            Assert.Empty(app.Smtp.AcceptedFor(r.OwnerEmail!));

        var progress = await ProgressAsync(id);
        Assert.Equal(2, progress.GetProperty("total").GetInt32());
        Assert.Equal(2, progress.GetProperty("sent").GetInt32());
        Assert.Equal(0, progress.GetProperty("pending").GetInt32());
        Assert.Equal(0, progress.GetProperty("failed").GetInt32());
        Assert.Equal(1, progress.GetProperty("unreachable").GetInt32());
        Assert.Equal(unreachable.Id, progress.GetProperty("unreachableResources")[0].GetProperty("id").GetGuid());

        // The SSO user's email lists only resource a, so it is exactly the preview rendered for a.
        using var preview = await app.SendAsync(HttpMethod.Get, $"/admin/advisories/{id}/preview?resourceId={a.Id}");
        var previewBody = await preview.ExpectAsync(HttpStatusCode.OK);
        var ssoMail = Parse(mine.Single(m => m.To.Single() == sso));
        Assert.Equal(previewBody.GetProperty("text").GetString(), ssoMail.TextBody);
        Assert.Equal(previewBody.GetProperty("subject").GetString(), ssoMail.Subject);
        _ = g;
    }

    [Fact]
    public async Task FanOutJobsRunTwice_EachRecipientGetsExactlyOneEmail()
    {
        var emails = Enumerable.Range(0, 7).Select(i => Email($"twice{i}")).ToList();
        var ids = new List<Guid>();
        foreach (var e in emails) ids.Add((await app.ResourceAsync("inference", "standard", "us", e)).Id);

        var id = await PublishAsync(new { resourceIds = ids });
        Assert.Empty(await app.RunJobsAsync(times: 2));
        // And once more, as a late duplicate delivery of every batch job would.
        await using var db = app.Db();
        var batches = await db.AdvisoryNotifications.Where(n => n.AdvisoryId == id).Select(n => n.Batch).Distinct().ToListAsync();
        Assert.Equal(3, batches.Count); // 7 recipients in batches of 3
        foreach (var b in batches) Assert.Null(await app.RunJobAsync(AdvisoryJobs.Deliver, AdvisoryJobs.BatchArgument(id, b)));
        Assert.Null(await app.RunJobAsync(AdvisoryJobs.Resolve, id.ToString()));

        foreach (var e in emails) Assert.Single(app.Smtp.AcceptedFor(e));
        var rows = await db.AdvisoryNotifications.Where(n => n.AdvisoryId == id).ToListAsync();
        Assert.Equal(7, rows.Count);
        Assert.All(rows, n => { Assert.Equal(NotificationStatus.Sent, n.Status); Assert.Equal(1, n.Attempts); });
    }

    [Fact]
    public async Task SmtpFailures_AreRetriedThenReportedFailed()
    {
        var (ok, tempfail, rejected) = (Email("ok"), Email("tempfail"), Email("rejected"));
        app.Smtp.RecipientReply = to => to == tempfail ? "451 4.3.0 mailbox busy, try later" : to == rejected ? "550 5.1.1 no such user" : null;
        try
        {
            var ids = new List<Guid>();
            foreach (var e in new[] { ok, tempfail, rejected }) ids.Add((await app.ResourceAsync("kafkacluster", "free", "us", e)).Id);
            var id = await PublishAsync(new { resourceIds = ids });

            var failures = await app.RunJobsAsync();
            Assert.Contains("retrying later", Assert.Single(failures).Message); // Hangfire would retry this batch
            await using var db = app.Db();
            var busy = await db.AdvisoryNotifications.SingleAsync(n => n.AdvisoryId == id && n.EmailKey == tempfail);
            Assert.Equal((NotificationStatus.Pending, 1), (busy.Status, busy.Attempts));
            Assert.Contains("451", busy.LastError);
            var dead = await db.AdvisoryNotifications.SingleAsync(n => n.AdvisoryId == id && n.EmailKey == rejected);
            Assert.Equal((NotificationStatus.Failed, 1), (dead.Status, dead.Attempts)); // permanent: no retry
            Assert.Contains("550", dead.LastError);

            // The retry: out of attempts (MAIL_MAX_ATTEMPTS=2), so it is reported failed and the job stops asking for retries.
            Assert.Null(await app.RunJobAsync(AdvisoryJobs.Deliver, AdvisoryJobs.BatchArgument(id, busy.Batch)));
            await db.Entry(busy).ReloadAsync();
            Assert.Equal((NotificationStatus.Failed, 2), (busy.Status, busy.Attempts));

            Assert.Single(app.Smtp.AcceptedFor(ok));
            Assert.Empty(app.Smtp.AcceptedFor(tempfail));
            var progress = await ProgressAsync(id);
            Assert.Equal((3, 1, 2, 0), (progress.GetProperty("total").GetInt32(), progress.GetProperty("sent").GetInt32(),
                progress.GetProperty("failed").GetInt32(), progress.GetProperty("pending").GetInt32()));
        }
        finally
        {
            app.Smtp.RecipientReply = _ => null;
        }
    }

    [Fact]
    public async Task DashboardBanner_ShowsUntilAcknowledged()
    {
        var target = await app.ResourceAsync("mobiloud", "starter", "us", Email("banner"));
        var bystander = await app.ResourceAsync("mobiloud", "starter", "us", Email("bystander"));
        var id = await PublishAsync(new { resourceIds = new[] { target.Id } }, title: "Banner advisory");
        Assert.Empty(await app.RunJobsAsync());

        // Two users of the affected app, and one of another app, each with their own dashboard session.
        var first = await app.SsoLoginAsync(target.Id, userId: "u1");
        var second = await app.SsoLoginAsync(target.Id, userId: "u2");
        var other = await app.SsoLoginAsync(bystander.Id, userId: "x");
        var page = $"/dashboard/{target.Id}/security/report";
        var otherPage = $"/dashboard/{bystander.Id}/security/report";
        Assert.Contains("Security advisory: Banner advisory", await first.GetStringAsync(page));
        Assert.DoesNotContain("data-advisory", await other.GetStringAsync(otherPage));
        using (var foreign = await AppFixture.PostFormAsync(other, otherPage, $"/dashboard/{bystander.Id}/security/advisories/{id}/acknowledge", new Dictionary<string, string>()))
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);

        // The first acknowledgement counts; a second one (another user) is accepted and changes nothing.
        foreach (var user in new[] { first, second })
            using (var ack = await AppFixture.PostFormAsync(user, page, $"/dashboard/{target.Id}/security/advisories/{id}/acknowledge", new Dictionary<string, string>()))
                Assert.Equal(HttpStatusCode.Redirect, ack.StatusCode);
        Assert.DoesNotContain("data-advisory", await first.GetStringAsync(page));
        Assert.DoesNotContain("data-advisory", await second.GetStringAsync(page));
        await using var db = app.Db();
        Assert.Equal("heroku-user:u1", (await db.AdvisoryTargets.SingleAsync(t => t.AdvisoryId == id)).AcknowledgedBy);
    }

    [Fact]
    public async Task OnlyVerifiedSsoEmails_AreRecipients_AndDeliveryRechecksThem()
    {
        var (owner, verified, claimed, demoted) = (Email("owner"), Email("verified"), Email("claimed"), Email("demoted"));
        var r = await app.ResourceAsync("kafkacluster", "starter", "us", owner, [verified, demoted], unverifiedSsoEmails: [claimed]);
        var id = await PublishAsync(new { resourceIds = new[] { r.Id } });
        Assert.Null(await app.RunJobAsync(AdvisoryJobs.Resolve, id.ToString()));
        await using (var db = app.Db())
        {
            Assert.Equal(new[] { demoted, owner, verified }.Order(), (await db.AdvisoryNotifications.Where(n => n.AdvisoryId == id).Select(n => n.Email).ToListAsync()).Order());
            // Resolved while verified, no longer a verified contact when the batch is sent (as rows from before the rule are).
            await db.SsoUsers.Where(u => u.Email == demoted).ExecuteUpdateAsync(u => u.SetProperty(x => x.Verified, false));
        }
        Assert.Empty(await app.RunJobsAsync());

        Assert.Single(app.Smtp.AcceptedFor(owner));
        Assert.Single(app.Smtp.AcceptedFor(verified));
        Assert.Empty(app.Smtp.AcceptedFor(claimed));
        Assert.Empty(app.Smtp.AcceptedFor(demoted));
        await using var check = app.Db();
        var skipped = await check.AdvisoryNotifications.SingleAsync(n => n.AdvisoryId == id && n.Email == demoted);
        Assert.Equal((NotificationStatus.Failed, "not a verified contact of the affected resources"), (skipped.Status, skipped.LastError));
    }

    [Fact]
    public async Task SecurityReport_IsTriagedAndAnsweredByEmail()
    {
        var resource = await app.ResourceAsync("kafkacluster", "starter", "us", Email("reporter-owner"));
        var reporter = Email("reporter");
        // Filed from the customer's dashboard (a verified session: replies go to its SSO-verified email); without a
        // usable email address to answer to, it is refused.
        var customer = await app.SsoLoginAsync(resource.Id, email: reporter);
        var form = $"/dashboard/{resource.Id}/security/report";
        using (var missing = await AppFixture.PostFormAsync(customer, form, form, new Dictionary<string, string> { ["text"] = "something", ["reporter_email"] = "not an email" }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
            Assert.Contains("Your email is required", await missing.Content.ReadAsStringAsync());
        }
        using var submitted = await AppFixture.PostFormAsync(customer, form, form,
            new Dictionary<string, string> { ["text"] = "I can read another tenant's topic.", ["reporter_email"] = reporter, ["reporter_name"] = "Rita" });
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        var received = submitted.Headers.Location!.OriginalString;
        var reportId = Guid.Parse(received[(received.LastIndexOf('/') + 1)..]);

        using (var list = await app.SendAsync(HttpMethod.Get, $"/admin/security-reports?status=new&resourceId={resource.Id}"))
            Assert.Equal(reportId, (await list.ExpectAsync(HttpStatusCode.OK)).GetProperty("items")[0].GetProperty("id").GetGuid());
        using (var triage = await app.SendAsync(HttpMethod.Patch, $"/admin/security-reports/{reportId}", new { status = "triaged", notes = "Reproduced." }))
            Assert.Equal("triaged", (await triage.ExpectAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        using (var bad = await app.SendAsync(HttpMethod.Patch, $"/admin/security-reports/{reportId}", new { status = "closed" }))
            await bad.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "status");
        using (var reply = await app.SendAsync(HttpMethod.Post, $"/admin/security-reports/{reportId}/replies", new { body = "Thanks, fixed within 24h." }))
            Assert.Equal("pending", (await reply.ExpectAsync(HttpStatusCode.Accepted)).GetProperty("status").GetString());

        Assert.Empty(await app.RunJobsAsync(times: 2));
        var mail = Parse(Assert.Single(app.Smtp.AcceptedFor(reporter), m => m.MessageId?.StartsWith("<report-reply-", StringComparison.Ordinal) == true));
        Assert.Contains("Thanks, fixed within 24h.", mail.TextBody);
        Assert.Contains("> I can read another tenant's topic.", mail.TextBody);
        using var get = await app.SendAsync(HttpMethod.Get, $"/admin/security-reports/{reportId}");
        var detail = await get.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Reproduced.", detail.GetProperty("notes").GetString());
        Assert.Equal("sent", detail.GetProperty("replies")[0].GetProperty("status").GetString());
    }
}
