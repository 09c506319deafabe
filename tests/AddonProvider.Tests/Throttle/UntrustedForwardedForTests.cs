using System.Net;
using AddonProvider.Tests.Inference;
using AddonProvider.Tests.Infrastructure;

namespace AddonProvider.Tests.Throttle;

/// <summary>Off a dyno, with no setting that trusts a proxy, X-Forwarded-For is whatever a client wrote: it must not pick the address counted.</summary>
public sealed class UntrustedForwardedForTests(AdminFixture app) : IClassFixture<AdminFixture>
{
    [Fact]
    public async Task JunkKeys_EachWithAnotherForwardedFor_AreStillCountedAgainstThePeer()
    {
        var statuses = new List<int>();
        for (var i = 0; i <= ThrottleFixture.Limit; i++)
        {
            var request = InferenceFixture.Call("inf-" + new string((char)('a' + i % 26), 48), "/v1/rerank", "{}");
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i + 1}");
            using var response = await app.Client.SendAsync(request);
            statuses.Add((int)response.StatusCode);
        }
        Assert.Equal(Enumerable.Repeat(401, ThrottleFixture.Limit).Append(429), statuses);
    }
}
