using AddonProvider.Tests.Operators;
using AddonProvider.Web.Admin;
using Microsoft.Playwright;

namespace AddonProvider.Tests.Browser;

public sealed class ConsoleSubmissionBrowserTests(MailingBrowserFixture app) : IClassFixture<MailingBrowserFixture>
{
    [Fact]
    public async Task Submission_NewInProgressDone_ThenReopened_IsEditableOnTheCustomersDashboard()
    {
        var (uuid, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var (_, id) = await Submissions.SubmittedAsync(app, uuid);

        var page = await app.ConsolePageAsync(AdminRoles.Operator);
        await page.ClickAsync("nav a[href='/console/mobiloud']");
        await page.ClickAsync($"a[href='/console/mobiloud/{id}']");
        Assert.Equal("new", await page.TextContentAsync("#review"));
        await page.ClickAsync("#advance-form button");
        await page.WaitForFunctionAsync("() => document.getElementById('review').textContent === 'in progress'");
        await page.ClickAsync("#advance-form button");
        await page.WaitForFunctionAsync("() => document.getElementById('review').textContent === 'done'");
        await BrowserFixture.ScreenshotAsync(page, "console-submission-done");
        await page.ClickAsync("#reopen-form button");
        await page.WaitForFunctionAsync("() => document.getElementById('submission-state').textContent.startsWith('reopened')");
        await BrowserFixture.ScreenshotAsync(page, "console-submission-reopened");
        await BrowserFixture.AssertNoCspViolationsAsync(page);

        // The customer's form is editable again, with what they had typed.
        var customer = await app.SignedInPageAsync(uuid, "mobiloud");
        await customer.GotoAsync(new Uri(app.BaseAddress, $"/dashboard/{uuid}/mobiloud/publish").ToString());
        Assert.Equal("Ada", await customer.InputValueAsync("#contact_name"));
        Assert.True(await customer.IsEnabledAsync("#contact_name"), "the reopened form can be edited");
        Assert.Equal(0, await customer.Locator("#submitted").CountAsync());
        await BrowserFixture.ScreenshotAsync(customer, "dashboard-publish-reopened");
    }
}
