using System.Net;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Console;

namespace AddonProvider.Tests.Operators;

/// <summary>A fixture of its own: the throttle counts per process and address, and other tests sign in from the same address.</summary>
public sealed class ConsoleThrottleTests(OperatorsFixture app) : IClassFixture<OperatorsFixture>
{
    [Fact]
    public async Task RefusedPastedTokens_AreThrottled_ButATokenSeenValidStillSignsIn()
    {
        using var client = new ConsoleClient(app.BaseAddress);
        var seenValid = AppFixture.Token(AdminRoles.Operator);
        using (var ok = await client.SignInAsync(seenValid)) Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        for (var i = 0; i < OperatorsFixture.FailureLimit; i++)
        {
            using var bad = await client.SignInAsync("not.a.jwt" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        }
        using var throttled = await client.SignInAsync(AppFixture.Token(AdminRoles.Operator)); // valid, but never seen: not even checked
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.NotNull(throttled.Headers.RetryAfter);
        Assert.Contains("Too many failed authentication attempts", await throttled.Content.ReadAsStringAsync());
        using var again = await client.SignInAsync(seenValid);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
    }
}
