using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using Microsoft.Playwright;

namespace AddonProvider.Tests.Browser;

/// <summary>An operator suspends an Inference add-on from the console, the customer's /v1 call is refused, resume lets it through.</summary>
public sealed class ConsoleSuspensionBrowserTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    private static readonly object Rerank = new { model = "cohere-rerank-3-5", query = "scale dynos", documents = new[] { "scale your dynos" } };

    private async Task<HttpStatusCode> RerankAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/rerank") { Content = JsonContent.Create(Rerank) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await app.Client.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<IPage> SignedInConsoleAsync(string role)
    {
        var page = await app.IsolatedPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "/console/sign-in").ToString());
        await page.FillAsync("#token", AppFixture.Token(role));
        await page.ClickAsync("#sign-in button");
        await page.WaitForURLAsync(url => !url.Contains("/console/sign-in", StringComparison.Ordinal));
        return page;
    }

    private async Task<string> StateAsync(Guid id)
    {
        using var r = await app.SendAsync(HttpMethod.Get, $"/admin/resources/{id}", role: AdminRoles.Operator);
        return (await r.ExpectAsync(HttpStatusCode.OK)).GetProperty("state").GetString()!;
    }

    [Fact]
    public async Task Operator_SuspendsFromTheConsole_V1IsRefused_ResumeLetsItThrough()
    {
        var (id, body) = await app.ProvisionOkAsync("inference", "cohere-rerank-3-5");
        var key = body.GetProperty("config").GetProperty("INFERENCE_KEY").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await RerankAsync(key));

        var page = await SignedInConsoleAsync(AdminRoles.Operator);
        await page.GotoAsync(new Uri(app.BaseAddress, $"/console/resources/{id}").ToString());
        await page.FillAsync("#suspend-form textarea[name=reason]", "Unpaid since October");
        await BrowserFixture.ScreenshotAsync(page, "console-suspend-form");
        await page.ClickAsync("#suspend-form button");
        await page.WaitForSelectorAsync("#suspension-done");
        Assert.Equal("suspended", await page.InnerTextAsync("#state"));
        Assert.Equal("Unpaid since October", await page.InnerTextAsync("#suspension-reason"));
        await BrowserFixture.ScreenshotAsync(page, "console-suspended");

        await Eventually(async () => await RerankAsync(key) == HttpStatusCode.Forbidden, "the customer's /v1 call to be refused", timeout: TimeSpan.FromSeconds(5));

        await page.ClickAsync("#resume-form button");
        await page.WaitForSelectorAsync("#suspend-form");
        Assert.Equal("provisioned", await page.InnerTextAsync("#state"));
        await Eventually(async () => await RerankAsync(key) == HttpStatusCode.OK, "the customer's /v1 call to be accepted again", timeout: TimeSpan.FromSeconds(5));
        await BrowserFixture.AssertNoCspViolationsAsync(page);
    }

    [Fact]
    public async Task SuspendForm_WithoutItsAntiforgeryToken_ChangesNothing()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var page = await SignedInConsoleAsync(AdminRoles.Operator);
        await page.GotoAsync(new Uri(app.BaseAddress, $"/console/resources/{id}").ToString());
        await page.FillAsync("#suspend-form textarea[name=reason]", "forged");
        await page.EvalOnSelectorAsync("#suspend-form input[name=__RequestVerificationToken]", "e => e.remove()");
        var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#suspend-form button"),
            r => r.Url.EndsWith($"/console/resources/{id}/suspend", StringComparison.Ordinal));
        Assert.Equal(400, response.Status);
        Assert.Equal("provisioned", await StateAsync(id));
    }

    [Fact]
    public async Task SecurityOperator_SeesNoSuspendFormAndCannotPostOne()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var page = await SignedInConsoleAsync(AdminRoles.Security);
        var response = await page.GotoAsync(new Uri(app.BaseAddress, $"/console/resources/{id}").ToString());
        Assert.Equal(403, response!.Status);
        Assert.Equal(0, await page.Locator("#suspend-form").CountAsync());
        // A form built by hand, with the page's own token (its sign-out form's): refused by role.
        var token = await page.GetAttributeAsync("input[name=__RequestVerificationToken]", "value");
        var status = await page.EvaluateAsync<int>("""
            async ([url, token]) => (await fetch(url, { method: 'POST', body: new URLSearchParams({ reason: 'not mine', __RequestVerificationToken: token }) })).status
            """, new[] { $"/console/resources/{id}/suspend", token });
        Assert.Equal(403, status);
        Assert.Equal("provisioned", await StateAsync(id));
    }
}
