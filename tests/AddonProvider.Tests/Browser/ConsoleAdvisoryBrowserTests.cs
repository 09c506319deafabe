using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using Microsoft.Playwright;
using MimeKit;

namespace AddonProvider.Tests.Browser;

/// <summary>The browser app with a job server and the in-process SMTP server, so a publish really fans out.</summary>
public sealed class MailingBrowserFixture : BrowserFixture
{
    public SmtpListener Smtp { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["SMTP_URL"] = Smtp.Url,
        ["MAIL_FROM"] = "security@provider.example",
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }

    /// <summary>A console page signed in with a pasted token holding <paramref name="role"/>.</summary>
    public async Task<IPage> ConsolePageAsync(string role)
    {
        var page = await IsolatedPageAsync();
        await page.GotoAsync(new Uri(BaseAddress, "/console/sign-in").ToString());
        await page.FillAsync("#token", Token(role));
        await page.ClickAsync("#sign-in button");
        await page.WaitForURLAsync(url => !url.Contains("/sign-in", StringComparison.Ordinal));
        return page;
    }
}

public sealed class ConsoleAdvisoryBrowserTests(MailingBrowserFixture app) : IClassFixture<MailingBrowserFixture>
{
    [Fact]
    public async Task Compose_LivePreview_Publish_ProgressReaches100_AndTheEmailIsThePreview()
    {
        var owner = $"owner-{Guid.NewGuid():N}@example.com";
        var resource = new Resource
        {
            Id = Guid.NewGuid(), ProductId = "kafkacluster", PlanSlug = "starter", OriginalPlanSlug = "starter", Region = "us",
            State = ResourceState.Provisioned, OwnerEmail = owner, Name = "browser-advisory", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        await using (var db = app.Db())
        {
            db.Resources.Add(resource);
            await db.SaveChangesAsync();
        }

        var page = await app.ConsolePageAsync(AdminRoles.Security);
        await page.ClickAsync("#compose");
        await page.FillAsync("#title", "Broker TLS downgrade");
        await page.SelectOptionAsync("#severity", "high");
        await page.FillAsync("#summary", "A downgrade was possible on <older> brokers & clients.");
        await page.FillAsync("#assessment", "Look for TLS 1.0 handshakes.");
        await page.FillAsync("#mitigation", "Restart your dynos.");
        await page.FillAsync("#resourceIds", resource.Id.ToString());
        // The served script posts the form to the preview endpoint as the operator types.
        await page.WaitForFunctionAsync("() => document.getElementById('preview-subject').textContent.includes('Broker TLS downgrade') && document.getElementById('reach').textContent.includes('1 recipient')",
            null, new PageWaitForFunctionOptions { Timeout = 15_000 });
        Assert.Contains("<older> brokers & clients", await page.TextContentAsync("#preview-text"));
        await BrowserFixture.ScreenshotAsync(page, "console-advisory-compose");

        await page.ClickAsync("#save-draft");
        await page.WaitForSelectorAsync("#publish-link");
        var previewText = await page.TextContentAsync("#preview-text") ?? "";
        var previewSubject = await page.TextContentAsync("#preview-subject");
        await page.ClickAsync("#publish-link");
        Assert.Equal("1", await page.TextContentAsync("#confirm-recipients"));
        await BrowserFixture.ScreenshotAsync(page, "console-advisory-confirm");
        await page.ClickAsync("#publish-form button");
        await page.WaitForURLAsync(url => url.EndsWith("/progress", StringComparison.Ordinal));
        // The page polls its JSON endpoint itself; the job server resolves and mails in the background.
        await page.WaitForFunctionAsync("() => document.getElementById('progress-percent').textContent === '100' && document.getElementById('progress')?.dataset.done === 'true'",
            null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        Assert.Equal("1", await page.TextContentAsync("#progress-sent"));
        await BrowserFixture.ScreenshotAsync(page, "console-advisory-progress-100");
        await BrowserFixture.AssertNoCspViolationsAsync(page);

        var mail = Assert.Single(app.Smtp.Accepted, m => m.To.Any(t => t.Contains(owner, StringComparison.OrdinalIgnoreCase)));
        var message = await MimeMessage.LoadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(mail.Raw)));
        Assert.Equal(previewSubject, message.Subject);
        Assert.Equal(Normalize(previewText), Normalize(message.TextBody ?? ""));
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd();
}
