using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using Microsoft.Playwright;
using static AddonProvider.Tests.Infrastructure.Waits;

namespace AddonProvider.Tests.Browser;

/// <summary>The browser app (web and worker: jobs run on their own) with the in-process SMTP server and a security team address.</summary>
public sealed class ReportsBrowserFixture : BrowserFixture
{
    public const string SecurityEmail = "security-team@provider.example";
    public SmtpListener Smtp { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["SMTP_URL"] = Smtp.Url,
        ["MAIL_FROM"] = "security@provider.example",
        ["SECURITY_EMAIL"] = SecurityEmail,
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

public sealed class SecurityReportBrowserTests(ReportsBrowserFixture app) : IClassFixture<ReportsBrowserFixture>
{
    private Task MailAsync(string to, Func<SmtpListener.Message, bool> match, string because) =>
        Eventually(() => app.Smtp.AcceptedFor(to).Any(match), because,
            state: () => string.Join("; ", app.Smtp.Accepted.Select(m => $"{string.Join(",", m.To)}: {m.Subject}")));

    [Fact]
    public async Task CustomerReport_ReachesTheTeamAndTheReporter_ThenTheConsoleTriagesAndReplies()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var customer = await app.SignedInPageAsync(id, "mobiloud");
        await customer.GotoAsync(new Uri(app.BaseAddress, $"/dashboard/{id}/security/report").ToString());
        await customer.FillAsync("#report-text", "The app config endpoint answers for deleted apps.");
        await customer.SelectOptionAsync("#report-severity", "high");
        await customer.ClickAsync("#report-form button[type=submit]");
        await customer.WaitForSelectorAsync("#report-received");
        var reference = await customer.InnerTextAsync("#report-reference");
        Assert.Matches(@"^SR-\d{4}-\d{4,}$", reference);
        await BrowserFixture.ScreenshotAsync(customer, "security-report-received");

        await MailAsync(ReportsBrowserFixture.SecurityEmail, m => m.Subject == $"[{reference}] New security report (reporter suggests high)", "the security team's email of the new report");
        await MailAsync(AppFixture.UserEmail, m => m.Subject == $"We received your security report {reference}", "the verified reporter's acknowledgement");

        var console = await app.IsolatedPageAsync();
        await console.GotoAsync(new Uri(app.BaseAddress, "/console/security-reports").ToString());
        await console.WaitForURLAsync(url => url.Contains("/console/sign-in", StringComparison.Ordinal));
        await console.FillAsync("#token", AppFixture.Token(AdminRoles.Security));
        await console.ClickAsync("#sign-in button");
        await console.WaitForURLAsync(url => url.EndsWith("/console/security-reports", StringComparison.Ordinal));
        Assert.Equal("Security reports", await console.InnerTextAsync("nav.tabs a[href='/console/security-reports']"));
        var row = console.Locator("#reports tbody tr", new() { HasText = reference });
        Assert.Contains("untriaged (counts as critical); reporter suggests high", await row.InnerTextAsync());
        await BrowserFixture.ScreenshotAsync(console, "console-security-reports");

        await row.Locator("a").ClickAsync();
        await console.WaitForSelectorAsync("#triage-form");
        await console.SelectOptionAsync("#triage-severity", "high");
        await console.SelectOptionAsync("#triage-status", "triaged");
        await console.ClickAsync("#triage-form button");
        await console.WaitForSelectorAsync("#saved");
        Assert.Equal("high", await console.InnerTextAsync("#severity"));
        Assert.Equal("triaged", await console.InnerTextAsync("#status"));
        Assert.Contains("no operator reply yet", (await console.InnerTextAsync("#no-replies")).ToLowerInvariant());

        await console.FillAsync("#reply-body", "Confirmed. A fix ships today.");
        await console.ClickAsync("#reply-form button");
        await console.WaitForSelectorAsync("#replies");
        Assert.Contains("Confirmed. A fix ships today.", await console.InnerTextAsync("#replies"));
        Assert.Contains("met", await console.InnerTextAsync("#acknowledge-by"));
        Assert.Equal("on time", await console.InnerTextAsync("#clock"));
        await BrowserFixture.ScreenshotAsync(console, "console-security-report-replied");
        await BrowserFixture.AssertNoCspViolationsAsync(console);

        await MailAsync(AppFixture.UserEmail, m => m.MessageId?.StartsWith("<report-reply-", StringComparison.Ordinal) == true && m.Body.Contains("A fix ships today."),
            "the operator's reply emailed to the verified reporter");
        await customer.ReloadAsync();
        Assert.Contains("Confirmed. A fix ships today.", await customer.InnerTextAsync("#replies"));
    }
}
