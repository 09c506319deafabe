using AddonProvider.Data;
using AddonProvider.Data.Catalog;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Configuration;
using AddonProvider.Web.Credentials;
using AddonProvider.Web.Dashboard;
using AddonProvider.Web.Secrets;
using Microsoft.AspNetCore.Http.HttpResults;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.Inference;

/// <summary>The Inference dashboard: the attached model and its limits, the last 30 days of use, the key (masked, revealed on demand), a curl example.</summary>
public static class InferenceDashboard
{
    /// <summary>Maps the pages under <c>/dashboard/{id}/inference</c> (the group is already limited to Inference sessions).</summary>
    public static void MapPages(RouteGroupBuilder group)
    {
        group.MapGet("/", (HttpContext http, AddonDbContext db, CatalogCache catalog, SecretBox secrets, PublicUrls urls, TimeProvider clock, CancellationToken ct) =>
            PageAsync(http, db, catalog, secrets, urls, clock, reveal: false, ct));
        group.MapPost("/reveal", (IFormCollection _, HttpContext http, AddonDbContext db, CatalogCache catalog, SecretBox secrets, PublicUrls urls, TimeProvider clock, CancellationToken ct) =>
            PageAsync(http, db, catalog, secrets, urls, clock, reveal: true, ct));
        group.MapRotation("inference", "key");
    }

    private static async Task<ContentHttpResult> PageAsync(HttpContext http, AddonDbContext db, CatalogCache catalog, SecretBox secrets, PublicUrls urls, TimeProvider clock, bool reveal, CancellationToken ct)
    {
        var r = http.Resource();
        var snapshot = await catalog.GetAsync();
        var model = r.ModelId is null ? null : snapshot.Model(r.ModelId);
        var credential = await db.CurrentCredentialAsync(r.Id, ct);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var usage = UsageChart.Fill(await InferenceUsage.LastDaysAsync(db, r.Id, UsageChart.Days, today, ct), today);
        var key = credential is null ? null : secrets.Decrypt(credential.SecretCiphertext);
        if (reveal) http.Response.Headers.CacheControl = "no-store";
        // Masked: the prefix and the last four characters, enough to tell keys apart.
        var shown = key is null ? "" : reveal ? key : $"{key[..4]}••••••••{key[^4..]}";
        var others = r.PlanSlug == "standard"
            ? string.Join(", ", snapshot.ModelsIn(r.Region).Select(m => m.Id).Order())
            : null;
        return Page.Render(http, "Managed Inference", H($"""
            <section id="model"><h2>Model</h2>
            <dl><dt>Model (INFERENCE_MODEL_ID)</dt><dd><code>{model?.Id}</code></dd>
            <dt>Kind</dt><dd>{model?.Kind.ToString().ToLowerInvariant()}</dd>
            <dt>Regions</dt><dd>{string.Join(", ", model?.Regions ?? [])} (this add-on: {r.Region})</dd>
            <dt>Requests per minute</dt><dd>{model?.RequestsPerMinute}</dd>
            <dt>Tokens per minute</dt><dd>{(model?.TokensPerMinute is { } t ? t.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "—")}</dd>
            {When(others is not null, () => H($"<dt>Plan</dt><dd>standard: the key may call every model of the region ({others}); the request's <code>model</code> field chooses.</dd>"))}
            </dl></section>
            <section id="usage"><h2>Usage, last {UsageChart.Days} days</h2>
            {When(usage.All(d => d.Requests == 0), () => H($"<p class=\"empty\" id=\"no-usage\">No requests in the last {UsageChart.Days} days. Send your first one with the example under \"Try it\" below; it is counted here as soon as it is answered.</p>"))}
            {UsageChart.Render(usage)}
            </section>
            <section id="key"><h2>API</h2>
            <dl><dt>API URL (INFERENCE_URL)</dt><dd><code id="api-url">{urls.Root}</code></dd>
            <dt>Key (INFERENCE_KEY)</dt><dd><code id="key-value">{shown}</code>
            {When(!reveal && key is not null, () => H($"<form method=\"post\" action=\"/dashboard/{r.Id}/inference/reveal\" class=\"inline\">{Page.Antiforgery(http)}<button type=\"submit\" id=\"reveal\">Reveal</button></form>"))}</dd></dl></section>
            {RotationDashboard.Section(http, r, "inference", "key", "INFERENCE_KEY", http.RequestServices.GetRequiredService<CredentialOptions>())}
            <section id="example"><h2>Try it</h2>
            <pre tabindex="0"><code id="curl">{Curl(model?.Kind ?? ModelKind.Chat, model?.Id ?? "", urls.Root)}</code></pre>
            <p><button type="button" class="copy" data-copy="curl">Copy</button> Run it where <code>INFERENCE_KEY</code> is set, e.g. <code>export INFERENCE_KEY=$(heroku config:get INFERENCE_KEY -a your-app)</code>.</p>
            <script src="/assets/copy.js" defer></script>
            </section>
            """));
    }

    public static string Curl(ModelKind kind, string model, string baseUrl) => kind == ModelKind.Rerank
        ? $$"""
            curl {{baseUrl}}/v1/rerank \
              -H "Authorization: Bearer $INFERENCE_KEY" \
              -H "Content-Type: application/json" \
              -d '{"model": "{{model}}", "query": "Which planet is known as the red planet?", "documents": ["Venus is the hottest planet.", "Mars is called the red planet.", "Jupiter is the largest planet."], "top_n": 2}'
            """
        : $$"""
            curl {{baseUrl}}/v1/chat/completions \
              -H "Authorization: Bearer $INFERENCE_KEY" \
              -H "Content-Type: application/json" \
              -d '{"model": "{{model}}", "messages": [{"role": "user", "content": "Say hello in one sentence."}], "max_tokens": 200}'
            """;
}
