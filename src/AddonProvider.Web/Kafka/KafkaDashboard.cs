using AddonProvider.Data;
using AddonProvider.Data.Catalog;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Credentials;
using AddonProvider.Web.Dashboard;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Secrets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.Kafka;

/// <summary>The KafkaCluster dashboard: quotas against use, topics, consumer groups, connection details, snippets.</summary>
public static class KafkaDashboard
{
    /// <summary>Maps the pages under <c>/dashboard/{id}/kafka</c> (the group is already limited to KafkaCluster sessions).</summary>
    public static void MapPages(RouteGroupBuilder group)
    {
        group.MapGet("/", (HttpContext http, Loader load, CancellationToken ct) => load.PageAsync(http, null, [], false, ct));
        group.MapPost("/reveal", (IFormCollection _, HttpContext http, Loader load, CancellationToken ct) => load.PageAsync(http, null, [], true, ct));
        group.MapPost("/topics", CreateTopic);
        group.MapPost("/topics/delete", DeleteTopic);
        group.MapPost("/groups", CreateGroup);
        group.MapPost("/groups/delete", DeleteGroup);
        group.MapRotation("kafka", "credentials");
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> CreateTopic(IFormCollection form, HttpContext http, KafkaAdmin admin, Loader load, CancellationToken ct)
    {
        var name = form["name"].ToString().Trim();
        var partitions = int.TryParse(form["partitions"], out var p) ? p : 0;
        var retention = int.TryParse(form["retention_hours"], out var h) ? h : 0;
        return await Done(http, await admin.CreateTopicAsync(http.Resource().Id, name, partitions, retention, ct), load, form, ct);
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> DeleteTopic(IFormCollection form, HttpContext http, KafkaAdmin admin, Loader load, CancellationToken ct) =>
        await Done(http, await admin.DeleteTopicAsync(http.Resource().Id, form["name"].ToString(), form["confirm"].ToString().Trim(), ct), load, form, ct);

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> CreateGroup(IFormCollection form, HttpContext http, KafkaAdmin admin, Loader load, CancellationToken ct) =>
        await Done(http, await admin.CreateGroupAsync(http.Resource().Id, form["group"].ToString().Trim(), ct), load, form, ct);

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> DeleteGroup(IFormCollection form, HttpContext http, KafkaAdmin admin, Loader load, CancellationToken ct) =>
        await Done(http, await admin.DeleteGroupAsync(http.Resource().Id, form["group"].ToString(), ct), load, form, ct);

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> Done(HttpContext http, Failure? failure, Loader load, IFormCollection form, CancellationToken ct) =>
        failure is null
            ? TypedResults.Redirect($"/dashboard/{http.Resource().Id}/kafka?saved=1")
            : await load.PageAsync(http, form, [failure.Message], false, ct, failure.Status);

    public sealed class Loader(AddonDbContext db, CatalogCache catalog, SecretBox secrets, KafkaBrokers brokers, CredentialOptions rotation)
    {
        public async Task<ContentHttpResult> PageAsync(HttpContext http, IFormCollection? posted, IReadOnlyList<string> errors, bool reveal, CancellationToken ct, int status = 200)
        {
            var r = http.Resource();
            var plan = (await catalog.GetAsync()).Plan(r.ProductId, r.PlanSlug)!;
            var topics = await db.KafkaTopics.AsNoTracking().Where(t => t.ResourceId == r.Id).OrderBy(t => t.Name).ToListAsync(ct);
            var groups = await db.KafkaConsumerGroups.AsNoTracking().Where(g => g.ResourceId == r.Id).OrderBy(g => g.Name).ToListAsync(ct);
            var credential = await db.CurrentCredentialAsync(r.Id, ct); // a cluster's credentials are all SCRAM users
            if (reveal) http.Response.Headers.CacheControl = "no-store";
            var password = reveal && credential is not null ? secrets.Decrypt(credential.SecretCiphertext) : null;
            var brokerList = brokers.For(r.Region);
            var prefix = KafkaTenancy.Prefix(r.Id);
            string P(string name, string fallback) => posted?[name].ToString() is { Length: > 0 } v ? v : fallback;
            return Page.Render(http, "KafkaCluster", H($"""
                {Page.Saved(http.Request.Query.ContainsKey("saved") && errors.Count == 0)}
                {(errors.Count == 0 ? Empty : H($"<div class=\"errors\" role=\"alert\"><ul>{errors.Select(e => H($"<li>{e}</li>"))}</ul></div>"))}
                <section id="quotas"><h2>Plan {plan.Name}</h2>
                <table><tr><th>Quota</th><th>Used</th><th>Limit</th></tr>
                <tr><td>Topics</td><td>{topics.Count}</td><td>{plan.MaxTopics}</td></tr>
                <tr><td>Partitions per topic</td><td>{(topics.Count == 0 ? 0 : topics.Max(t => t.Partitions))} (largest)</td><td>{plan.MaxPartitionsPerTopic}</td></tr>
                <tr><td>Retention</td><td>{(topics.Count == 0 ? 0 : topics.Max(t => t.RetentionHours))} h (longest)</td><td>{plan.MaxRetentionHours} h</td></tr>
                <tr><td>Consumer groups</td><td>{groups.Count}</td><td>{plan.MaxConsumerGroups}</td></tr>
                <tr><td>Produce throughput</td><td>—</td><td>{plan.ProduceQuotaKbps} kB/s</td></tr>
                <tr><td>Consume throughput</td><td>—</td><td>{plan.ConsumeQuotaKbps} kB/s</td></tr>
                </table></section>
                <section id="topics"><h2>Topics</h2>
                {When(topics.Count == 0, () => H($"<p class=\"empty\" id=\"no-topics\">No topics yet. Create your first one below: it is named <code>{prefix}</code> plus the name you choose.</p>"))}
                {When(topics.Count > 0, () => H($"""
                <table class="stack"><tr><th>Name</th><th>Partitions</th><th>Replication</th><th>Retention</th><th><span class="visually-hidden">Actions</span></th></tr>
                {topics.Select(t => H($"""
                    <tr class="topic"><td class="name">{t.Name}</td><td data-label="Partitions">{t.Partitions}</td><td data-label="Replication">{t.ReplicationFactor}</td><td data-label="Retention">{t.RetentionHours} h</td>
                    <td><form method="post" action="/dashboard/{r.Id}/kafka/topics/delete" class="inline">{Page.Antiforgery(http)}
                    <input type="hidden" name="name" value="{t.Name}"><input name="confirm" placeholder="type {t.Name} to delete" aria-label="Confirm deleting {t.Name}">
                    <button type="submit">Delete</button></form></td></tr>
                    """))}
                </table>
                """))}
                <form method="post" action="/dashboard/{r.Id}/kafka/topics" id="create-topic">{Page.Antiforgery(http)}
                <label>Topic name <code class="prefix">{prefix}</code><input name="name" id="topic-name" maxlength="{KafkaTenancy.MaxShortNameLength}" value="{P("name", "")}"></label>
                <label>Partitions (1–{plan.MaxPartitionsPerTopic})<input name="partitions" id="topic-partitions" type="number" min="1" max="{plan.MaxPartitionsPerTopic}" value="{P("partitions", "1")}"></label>
                <label>Retention in hours (1–{plan.MaxRetentionHours})<input name="retention_hours" id="topic-retention" type="number" min="1" max="{plan.MaxRetentionHours}" value="{P("retention_hours", Math.Min(24, plan.MaxRetentionHours ?? 24).ToString())}"></label>
                <button type="submit">Create topic</button></form></section>
                <section id="groups"><h2>Consumer groups</h2>
                {When(groups.Count == 0, () => H($"<p class=\"empty\" id=\"no-groups\">No consumer groups yet. Create one below, then give its full name (with the prefix) to your consumers as their group id.</p>"))}
                <ul>{groups.Select(g => H($"""<li class="group">{g.Name} <form method="post" action="/dashboard/{r.Id}/kafka/groups/delete" class="inline">{Page.Antiforgery(http)}<input type="hidden" name="group" value="{g.Name}"><button type="submit">Delete</button></form></li>"""))}</ul>
                <form method="post" action="/dashboard/{r.Id}/kafka/groups">{Page.Antiforgery(http)}
                <label>Group id <code class="prefix">{prefix}</code><input name="group" maxlength="{KafkaTenancy.MaxShortNameLength}" value="{P("group", "")}"></label><button type="submit">Create group</button></form></section>
                <section id="connection"><h2>Connection</h2>
                <dl><dt>Brokers (KAFKACLUSTER_BROKERS)</dt><dd><code>{brokerList}</code></dd>
                <dt>Prefix of your topics and consumer groups (KAFKACLUSTER_PREFIX)</dt><dd><code id="prefix">{prefix}</code></dd>
                <dt>SASL mechanism</dt><dd><code>{KafkaBrokers.SaslMethod}</code></dd>
                <dt>Username</dt><dd><code>{credential?.Username}</code></dd>
                <dt>Password</dt><dd>{(password is null
                    ? H($"<code>••••••••</code> <form method=\"post\" action=\"/dashboard/{r.Id}/kafka/reveal\" class=\"inline\">{Page.Antiforgery(http)}<button type=\"submit\" id=\"reveal\">Reveal</button></form>")
                    : H($"<code id=\"password\">{password}</code>"))}</dd></dl></section>
                {RotationDashboard.Section(http, r, "kafka", "credentials", "KAFKACLUSTER_USERNAME, KAFKACLUSTER_PASSWORD", rotation)}
                <section id="snippets"><h2>Getting started</h2>
                <p>Topic and group names carry the prefix <code>{prefix}</code>: the cluster is shared, and your user may use only names that start with it.</p>
                {KafkaSnippets.For(brokerList, credential?.Username ?? "", topics.FirstOrDefault()?.Name ?? prefix + "my-topic", groups.FirstOrDefault()?.Name ?? prefix + "my-group")
                    .Select(s => H($"<h3>{s.Title}</h3><pre tabindex=\"0\"><code>{s.Code}</code></pre>"))}
                </section>
                """), status);
        }
    }
}
