using System.Net;
using AddonProvider.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Provisioning;

public sealed class DuplicateStormTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task HundredUuidsTimesFiftyConcurrentIdenticalProvisions_LeaveExactlyHundredResources()
    {
        var uuids = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid()).ToList();
        using var gate = new SemaphoreSlim(50);
        var calls = uuids.SelectMany(u => Enumerable.Repeat(u, 50)).OrderBy(_ => Random.Shared.Next()).Select(async uuid =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await app.ProvisionAsync("inference", "cohere-rerank-3-5", uuid);
                return (uuid, response.StatusCode, Key: (await response.JsonAsync()).GetProperty("config").GetProperty("INFERENCE_KEY").GetString());
            }
            finally { gate.Release(); }
        });
        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        // Every answer for one uuid carries the same key: the first provision's.
        Assert.All(results.GroupBy(r => r.uuid), g => Assert.Single(g.Select(r => r.Key).Distinct()));
        await using var db = app.Db();
        Assert.Equal(100, await db.Resources.CountAsync(r => uuids.Contains(r.Id)));
        Assert.Equal(100, await db.Credentials.CountAsync(c => uuids.Contains(c.ResourceId)));
    }
}
