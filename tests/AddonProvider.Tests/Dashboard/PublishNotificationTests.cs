using System.Net;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.MobiLoud;
using Microsoft.EntityFrameworkCore;

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
}
