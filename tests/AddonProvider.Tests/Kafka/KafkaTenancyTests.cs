using System.Net;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Kafka;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Kafka;

/// <summary>Tenants on one shared cluster: names under the resource's prefix, and everything gone from the cluster when the resource goes.</summary>
public sealed class KafkaTenancyTests(HerokuFixture app) : IClassFixture<HerokuFixture>
{
    private static Task<HttpResponseMessage> PostAsync(HttpClient client, Guid id, string action, params (string, string)[] fields) =>
        AppFixture.PostFormAsync(client, $"/dashboard/{id}/kafka", $"/dashboard/{id}/kafka/{action}", fields.ToDictionary(f => f.Item1, f => f.Item2));

    private static Task<HttpResponseMessage> CreateTopicAsync(HttpClient client, Guid id, string name) =>
        PostAsync(client, id, "topics", ("name", name), ("partitions", "1"), ("retention_hours", "1"));

    /// <summary>A synchronous provision whose cluster user and quotas the set-up job has created.</summary>
    private async Task<(Guid Id, HttpClient Dashboard, string Username)> ProvisionedAsync(string plan = "starter")
    {
        var (id, body) = await app.ProvisionOkAsync("kafkacluster", plan);
        await Eventually(async () =>
        {
            await using var db = app.Db();
            return await db.KafkaUsers.AnyAsync(u => u.ResourceId == id) && await db.KafkaQuotas.AnyAsync(q => q.ResourceId == id);
        }, $"the cluster user and quotas of {id}");
        return (id, await app.SsoLoginAsync(id), body.GetProperty("config").GetProperty("KAFKACLUSTER_USERNAME").GetString()!);
    }

    [Fact]
    public async Task TwoTenants_SameShortTopicName_DoNotCollide_AndEachSeesItsFullName()
    {
        var (a, dashboardA, _) = await ProvisionedAsync();
        var (b, dashboardB, _) = await ProvisionedAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await CreateTopicAsync(dashboardA, a, "orders")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await CreateTopicAsync(dashboardB, b, "orders")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(dashboardA, a, "groups", ("group", "billing"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(dashboardB, b, "groups", ("group", "billing"))).StatusCode);

        await using var db = app.Db();
        Assert.Equal([$"{a:N}.orders"], await db.KafkaTopics.Where(t => t.ResourceId == a).Select(t => t.Name).ToListAsync());
        Assert.Equal([$"{b:N}.orders"], await db.KafkaTopics.Where(t => t.ResourceId == b).Select(t => t.Name).ToListAsync());
        Assert.Equal([$"{a:N}.billing"], await db.KafkaConsumerGroups.Where(g => g.ResourceId == a).Select(g => g.Name).ToListAsync());
        // On the cluster, one namespace: both topics exist side by side, each under its tenant's prefix.
        var onCluster = await db.KafkaClusterTopics.Where(t => t.ResourceId == a || t.ResourceId == b).OrderBy(t => t.Name).ToListAsync();
        Assert.Equal(new[] { $"{a:N}.orders", $"{b:N}.orders" }.Order(), onCluster.Select(t => t.Name));
        Assert.All(onCluster, t => Assert.Equal((1, (short)3, 3_600_000L), (t.Partitions, t.ReplicationFactor, t.RetentionMs)));

        var page = WebUtility.HtmlDecode(await dashboardA.GetStringAsync($"/dashboard/{a}/kafka"));
        Assert.Contains($"<td class=\"name\">{a:N}.orders</td>", page);
        Assert.Contains($"placeholder=\"type {a:N}.orders to delete\"", page);
        Assert.Contains($"<code id=\"prefix\">{a:N}.</code>", page);
        Assert.Contains($"<li class=\"group\">{a:N}.billing", page);
        // Producer and consumer snippets name the full topic and group.
        Assert.Contains($"ProduceAsync(\"{a:N}.orders\"", page);
        Assert.Contains($"consumer.Subscribe(\"{a:N}.orders\")", page);
        Assert.Contains($"GroupId = \"{a:N}.billing\"", page);
        Assert.Contains($"kafka.consumer({{ groupId: '{a:N}.billing' }})", page);
        Assert.Contains($"\"group.id\": \"{a:N}.billing\"", page);
        Assert.DoesNotContain($"{b:N}", page);

        // Deleting takes the full name typed back; the other tenant's topic is untouched.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await PostAsync(dashboardA, a, "topics/delete", ("name", $"{a:N}.orders"), ("confirm", "orders"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(dashboardA, a, "topics/delete", ("name", $"{a:N}.orders"), ("confirm", $"{a:N}.orders"))).StatusCode);
        await using var after = app.Db();
        Assert.Equal([$"{b:N}.orders"], await after.KafkaClusterTopics.Where(t => t.ResourceId == a || t.ResourceId == b).Select(t => t.Name).ToListAsync());
        Assert.False(await after.KafkaTopics.AnyAsync(t => t.ResourceId == a));
    }

    [Fact]
    public async Task ShortName_MustFitKafkas249CharactersTogetherWithThePrefix()
    {
        var (id, dashboard, _) = await ProvisionedAsync();
        var longest = new string('t', 216);
        Assert.Equal(HttpStatusCode.Redirect, (await CreateTopicAsync(dashboard, id, longest)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(dashboard, id, "groups", ("group", new string('g', 216)))).StatusCode);

        using var topic = await CreateTopicAsync(dashboard, id, new string('u', 217));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, topic.StatusCode);
        Assert.Contains("1–216 characters", WebUtility.HtmlDecode(await topic.Content.ReadAsStringAsync()));
        using var group = await PostAsync(dashboard, id, "groups", ("group", new string('h', 217)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, group.StatusCode);

        await using var db = app.Db();
        var stored = await db.KafkaTopics.Where(t => t.ResourceId == id).Select(t => t.Name).SingleAsync();
        Assert.Equal((249, $"{id:N}.{longest}"), (stored.Length, stored));
        Assert.Equal([stored], await db.KafkaClusterTopics.Where(t => t.ResourceId == id).Select(t => t.Name).ToListAsync());
        Assert.Equal(249, (await db.KafkaConsumerGroups.SingleAsync(g => g.ResourceId == id)).Name.Length);
    }

    [Fact]
    public async Task AclPrefix_IsTheConfigVar_AndMatchesEveryStoredTopicAndGroupName()
    {
        var (id, body) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var prefix = body.GetProperty("config").GetProperty("KAFKACLUSTER_PREFIX").GetString();
        Assert.Equal($"{id:N}.", prefix);
        Assert.Equal(33, prefix!.Length);
        await Eventually(async () => { await using var db = app.Db(); return await db.KafkaAcls.AnyAsync(a => a.ResourceId == id); },
            "the cluster user's ACLs");
        var dashboard = await app.SsoLoginAsync(id);
        await CreateTopicAsync(dashboard, id, "orders");
        await PostAsync(dashboard, id, "groups", ("group", "billing"));

        await using var check = app.Db();
        var username = body.GetProperty("config").GetProperty("KAFKACLUSTER_USERNAME").GetString();
        var acls = await check.KafkaAcls.Where(a => a.ResourceId == id && a.Principal == "User:" + username).ToListAsync();
        Assert.All(acls, a => Assert.Equal(("prefixed", prefix), (a.PatternType, a.ResourceName)));
        var names = (await check.KafkaTopics.Where(t => t.ResourceId == id).Select(t => "topic:" + t.Name).ToListAsync())
            .Concat(await check.KafkaClusterTopics.Where(t => t.ResourceId == id).Select(t => "topic:" + t.Name).ToListAsync())
            .Concat(await check.KafkaConsumerGroups.Where(g => g.ResourceId == id).Select(g => "group:" + g.Name).ToListAsync())
            .ToList();
        Assert.Equal(3, names.Count);
        foreach (var name in names)
        {
            var (type, full) = (name[..name.IndexOf(':')], name[(name.IndexOf(':') + 1)..]);
            // The user could read (and for topics write) this name on a broker that enforces these ACLs.
            Assert.Contains(acls, a => a.ResourceType == type && a.Operation == "Read" && full.StartsWith(a.ResourceName, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Deprovision_RemovesUsersAclsQuotasTopicsAndGroupsFromTheCluster_KeepsOurRowsOutOfSight()
    {
        var (id, dashboard, _) = await ProvisionedAsync();
        var (neighbour, neighbourDashboard, _) = await ProvisionedAsync();
        await CreateTopicAsync(dashboard, id, "orders");
        await CreateTopicAsync(neighbourDashboard, neighbour, "orders");
        await PostAsync(dashboard, id, "groups", ("group", "billing"));
        await using (var db = app.Db())
        {
            // No broker runs here: a consumer joining a group, which is how groups come to exist on a cluster, is this row.
            db.KafkaClusterGroups.AddRange(
                new KafkaClusterGroup { ResourceId = id, GroupId = $"{id:N}.billing", CreatedAt = DateTime.UtcNow },
                new KafkaClusterGroup { ResourceId = id, GroupId = $"{id:N}.ad-hoc", CreatedAt = DateTime.UtcNow },
                new KafkaClusterGroup { ResourceId = neighbour, GroupId = $"{neighbour:N}.billing", CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        await (await app.DeprovisionAsync("kafkacluster", id)).ExpectAsync(HttpStatusCode.NoContent);
        await Eventually(async () => (await ClusterStateAsync(id)) == "0 0 0 0 0", because: $"the cluster state of {id} to be removed", state: async () => $"users, ACLs, quotas, topics, groups: {await ClusterStateAsync(id)}");

        Assert.Equal("1 6 1 1 1", await ClusterStateAsync(neighbour));
        await using var check = app.Db();
        Assert.True(await check.KafkaTopics.AnyAsync(t => t.ResourceId == id), "our dashboard row stays until the retention purge");
        Assert.True(await check.KafkaConsumerGroups.AnyAsync(g => g.ResourceId == id), "our dashboard row stays until the retention purge");
        using var page = await dashboard.GetAsync($"/dashboard/{id}/kafka");
        Assert.NotEqual(HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotContain($"{id:N}.orders", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FailedAsyncProvision_IsTornDownOnTheClusterLikeADeprovision()
    {
        var id = Guid.NewGuid();
        app.Heroku.FailNext(500, count: 10_000, pathContains: $"/addons/{id}/config"); // Heroku never takes the config
        await (await app.ProvisionWithGrantAsync("kafkacluster", "free", id)).ExpectAsync(HttpStatusCode.Accepted);
        await Eventually(async () => (await ClusterStateAsync(id)).StartsWith("1 6 1"), "the finishing job to set up the cluster user, ACLs and quotas");
        await using (var db = app.Db())
            await db.Resources.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.CreatedAt, DateTime.UtcNow.AddHours(-13)));

        await app.RunJobAsync(KafkaJobKinds.FinishProvisioning, id.ToString());
        Assert.Equal(ResourceState.Failed, await app.StateAsync(id));
        await Eventually(async () => (await ClusterStateAsync(id)) == "0 0 0 0 0", because: "the failed provision's cluster state to be removed",
            state: async () => $"users, ACLs, quotas, topics, groups: {await ClusterStateAsync(id)}");
        app.Heroku.FailNext(500, count: 0);
    }

    [Fact]
    public async Task PrefixPush_GivesAnExistingResourceWithAGrantTheNewConfigVar_AndRepeatsHarmlessly()
    {
        var id = Guid.NewGuid();
        await (await app.ProvisionWithGrantAsync("kafkacluster", "free", id)).ExpectAsync(HttpStatusCode.Accepted);
        await app.WaitForStateAsync(id, ResourceState.Provisioned);
        // As Heroku holds a resource provisioned before the prefix existed: four vars.
        var config = app.Heroku.Addons[id].Config;
        Assert.True(config.TryRemove(KafkaProduct.PrefixVar, out _));
        var before = config.ToDictionary();
        var seq = app.LastCallSeq;

        await app.RunJobAsync(KafkaJobKinds.PushPrefix, id.ToString());
        Assert.Equal($"{id:N}.", config[KafkaProduct.PrefixVar]);
        await app.RunJobAsync(KafkaJobKinds.PushPrefix, id.ToString()); // a retry or a second dispatch
        Assert.Equal(before.Append(new(KafkaProduct.PrefixVar, $"{id:N}.")).OrderBy(kv => kv.Key), config.OrderBy(kv => kv.Key));
        var patches = app.Heroku.CallsFor(id).Where(c => c.Seq > seq && c.Method == "PATCH").ToList();
        Assert.Equal(2, patches.Count);
        Assert.All(patches, p => Assert.Equal(200, p.Status));
        Assert.All(patches, p => Assert.DoesNotContain("KAFKACLUSTER_PASSWORD", p.Body)); // only the new var travels

        // Without a grant there is nothing to push to: recorded, no call.
        var (plain, _) = await app.ProvisionOkAsync("kafkacluster", "free");
        await app.RunJobAsync(KafkaJobKinds.PushPrefix, plain.ToString());
        Assert.DoesNotContain(app.Heroku.CallsFor(plain), c => c.Method == "PATCH");
        await using var db = app.Db();
        Assert.Equal(["prefix_pushed", "prefix_pushed"], await db.AuditLog.Where(a => a.ResourceId == id && a.Actor == PushKafkaPrefixJob.Actor).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        Assert.Equal(["prefix_push_skipped"], await db.AuditLog.Where(a => a.ResourceId == plain && a.Actor == PushKafkaPrefixJob.Actor).Select(a => a.Action).ToListAsync());
    }

    /// <summary>"users ACLs quotas topics groups" the cluster model holds for the resource.</summary>
    private async Task<string> ClusterStateAsync(Guid id)
    {
        await using var db = app.Db();
        return string.Join(' ',
            await db.KafkaUsers.CountAsync(u => u.ResourceId == id), await db.KafkaAcls.CountAsync(a => a.ResourceId == id),
            await db.KafkaQuotas.CountAsync(q => q.ResourceId == id), await db.KafkaClusterTopics.CountAsync(t => t.Name.StartsWith($"{id:N}.")),
            await db.KafkaClusterGroups.CountAsync(g => g.GroupId.StartsWith($"{id:N}.")));
    }
}
