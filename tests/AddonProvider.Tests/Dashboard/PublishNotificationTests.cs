using System.Net;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.MobiLoud;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AddonProvider.Tests.Dashboard;

/// <summary>A submitted publishing request reaches the operators by email (outbox row, job, in-test SMTP server), once.</summary>
public sealed class PublishNotificationTests(AdminFixture app) : IClassFixture<AdminFixture>
{
    /// <summary>Submits a complete request through the dashboard; returns the submission id.</summary>
    private async Task<(Guid ResourceId, long SubmissionId)> SubmitAsync()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "essential");
        var client = await app.SsoLoginAsync(id);
        using (var site = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/mobiloud", $"/dashboard/{id}/mobiloud/website",
            MobiLoudDashboardTests.F(("website_url", "https://shop.example.com"))))
            Assert.Equal(HttpStatusCode.Redirect, site.StatusCode);
        var page = $"/dashboard/{id}/mobiloud/publish";
        using var ok = await AppFixture.PostFormAsync(client, page, page, new Dictionary<string, string>(MobiLoudDashboardTests.CompleteRequest()) { ["version"] = "0" });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        await using var db = app.Db();
        var row = await db.MobiLoudSubmissions.SingleAsync(s => s.ResourceId == id);
        Assert.Null(row.OperatorsNotifiedAt); // nothing is sent on the request path
        var outbox = await db.Outbox.SingleAsync(m => m.Kind == NotifyOperatorsJob.Kind && m.Argument == row.Id.ToString());
        Assert.Null(outbox.DispatchedAt);
        return (id, row.Id);
    }

    [Fact]
    public async Task Submit_EmailsTheOperatorsOnce_AndRecordsIt()
    {
        var (id, submission) = await SubmitAsync();
        Assert.Empty(await app.RunJobsAsync());

        var mail = Assert.Single(app.Smtp.AcceptedFor(AdminFixture.OperatorsEmail), m => m.MessageId!.Contains($"mobiloud-submission-{submission}@"));
        Assert.StartsWith("MobiLoud publishing request: Shop", mail.Subject);
        Assert.Contains("App name: Shop", mail.Body);
        Assert.Contains("Privacy policy URL: https://shop.example.com/privacy", mail.Body);
        Assert.Contains($"({id})", mail.Body);
        Assert.Contains("Plan:     essential", mail.Body);
        Assert.Contains("ada@example.com", mail.Header("Reply-To"));
        await using (var db = app.Db())
            Assert.NotNull((await db.MobiLoudSubmissions.SingleAsync(s => s.Id == submission)).OperatorsNotifiedAt);

        // A second delivery of the same job (a retry, a duplicate dispatch) finds the row notified and sends nothing.
        Assert.Null(await app.RunJobAsync(NotifyOperatorsJob.Kind, submission.ToString()));
        Assert.Single(app.Smtp.AcceptedFor(AdminFixture.OperatorsEmail), m => m.MessageId!.Contains($"mobiloud-submission-{submission}@"));
    }

    [Fact]
    public async Task Submit_WhenTheMailServerRefusesForNow_StaysUnnotifiedAndTheRetrySends()
    {
        var (_, submission) = await SubmitAsync();
        app.Smtp.RecipientReply = to => to == AdminFixture.OperatorsEmail ? "451 4.3.0 try again later" : null;
        try
        {
            var failure = Assert.Single(await app.RunJobsAsync());
            Assert.Contains("451", failure.Message);
            await using (var db = app.Db())
                Assert.Null((await db.MobiLoudSubmissions.SingleAsync(s => s.Id == submission)).OperatorsNotifiedAt);
        }
        finally
        {
            app.Smtp.RecipientReply = _ => null;
        }
        Assert.Null(await app.RunJobAsync(NotifyOperatorsJob.Kind, submission.ToString()));
        Assert.Single(app.Smtp.AcceptedFor(AdminFixture.OperatorsEmail), m => m.MessageId!.Contains($"mobiloud-submission-{submission}@"));
        await using var after = app.Db();
        Assert.NotNull((await after.MobiLoudSubmissions.SingleAsync(s => s.Id == submission)).OperatorsNotifiedAt);
    }

    private int AcceptedFor(long submission) =>
        app.Smtp.AcceptedFor(AdminFixture.OperatorsEmail).Count(m => m.MessageId!.Contains($"mobiloud-submission-{submission}@"));

    private async Task<Exception?> RunAsync(long submission) => await app.RunJobAsync(NotifyOperatorsJob.Kind, submission.ToString());

    [Fact]
    public async Task WhileTheMailServerHasIt_TheRowIsNotLocked_AndASecondRunSendsNothing()
    {
        var (_, submission) = await SubmitAsync();
        app.Smtp.ResetHold(dataNumber: _ => true);
        Task<Exception?> first;
        try
        {
            first = RunAsync(submission);
            var held = await Eventually(app.Smtp.Held.Task, because: "the operators' email to reach the mail server (held there)");
            Assert.Contains($"mobiloud-submission-{submission}@", held!.MessageId);

            // The claim was committed before the mail went out: another transaction locks the row without waiting.
            await using (var conn = new NpgsqlConnection(app.ConnectionString))
            {
                await conn.OpenAsync();
                await using var tx = await conn.BeginTransactionAsync();
                await using var nowait = new NpgsqlCommand("SELECT id FROM mobiloud_submissions WHERE id = @id FOR UPDATE NOWAIT", conn, tx);
                nowait.Parameters.AddWithValue("id", submission);
                Assert.Equal(submission, (long)(await nowait.ExecuteScalarAsync())!);
            }

            // A duplicate delivery meanwhile sends nothing; it fails, so Hangfire retries it after the first is done.
            var second = await RunAsync(submission);
            Assert.Contains("being emailed by another run", second?.Message);
        }
        finally
        {
            app.Smtp.ReleaseHeld(SmtpListener.Release.Accept);
        }
        Assert.Null(await first);
        Assert.Equal(1, AcceptedFor(submission));
        Assert.Null(await RunAsync(submission)); // that retry, later: already notified
        Assert.Equal(1, AcceptedFor(submission));
        await using var db = app.Db();
        Assert.NotNull((await db.MobiLoudSubmissions.SingleAsync(s => s.Id == submission)).OperatorsNotifiedAt);
        await db.Outbox.Where(m => m.Kind == NotifyOperatorsJob.Kind && m.Argument == submission.ToString())
            .ExecuteUpdateAsync(x => x.SetProperty(m => m.DispatchedAt, DateTime.UtcNow));
    }

    [Fact]
    public async Task AClaimLeftByARunThatDied_IsTakenOverOnceStale_NotBefore()
    {
        var (_, submission) = await SubmitAsync();
        await using (var db = app.Db())
            await db.MobiLoudSubmissions.Where(s => s.Id == submission)
                .ExecuteUpdateAsync(x => x.SetProperty(s => s.OperatorsNotifyClaimedAt, DateTime.UtcNow.AddSeconds(-10)));
        Assert.Contains("being emailed by another run", (await RunAsync(submission))?.Message);
        Assert.Equal(0, AcceptedFor(submission));

        await using (var db = app.Db())
            await db.MobiLoudSubmissions.Where(s => s.Id == submission)
                .ExecuteUpdateAsync(x => x.SetProperty(s => s.OperatorsNotifyClaimedAt, DateTime.UtcNow - NotifyOperatorsJob.ClaimTimeout - TimeSpan.FromSeconds(5)));
        Assert.Empty(await app.RunJobsAsync()); // the outbox's delivery of the job
        Assert.Equal(1, AcceptedFor(submission));
    }
}
