using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AddonProvider.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Hostile;

/// <summary>
/// Malformed and hostile input on every surface: each must be a clear 4xx, change nothing, and never echo the
/// payload back unescaped. Cases run in one test so the "nothing changed" snapshot covers all of them.
/// </summary>
public sealed class HostileInputTests(AdminFixture app) : IClassFixture<AdminFixture>
{
    private const string Script = "<script>alert(1)</script>";
    private const string Sql = "'; DROP TABLE resources; --";

    private sealed record Case(string Surface, string Name, Func<Task<HttpResponseMessage>> Send, string? MustNotEcho = Script);

    private async Task<long[]> SnapshotAsync()
    {
        await using var db = app.Db();
        return
        [
            await db.Resources.CountAsync(), await db.Credentials.CountAsync(), await db.AuditLog.CountAsync(),
            await db.KafkaTopics.CountAsync(), await db.KafkaConsumerGroups.CountAsync(), await db.MobiLoudApps.CountAsync(),
            await db.Advisories.CountAsync(), await db.SecurityReports.CountAsync(), await db.SsoUsers.CountAsync(),
            await db.Resources.Where(r => r.State != Data.Entities.ResourceState.Provisioned).CountAsync(),
            await db.Resources.CountAsync(r => r.PlanSlug != r.OriginalPlanSlug),
        ];
    }

    private HttpRequestMessage Raw(HttpMethod method, string path, string body, string contentType = "application/json", string? product = "mobiloud")
    {
        var request = app.Partner(method, path, null, product);
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return request;
    }

    private static string Provision(string uuid = "\"6c9d7e36-1b7c-4a0c-a7a1-3e0f8c8f2a11\"", string plan = "\"test\"", string region = "\"us\"", string extra = "") =>
        $$"""{"uuid":{{uuid}},"plan":{{plan}},"region":{{region}}{{extra}}}""";

    [Fact]
    public async Task FortyPlusHostileInputs_AreEachAClear4xx_ChangeNothing_AndEchoNothingUnescaped()
    {
        var (mobiloud, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var (kafka, _) = await app.ProvisionOkAsync("kafkacluster", "free");
        var (_, inferenceBody) = await app.ProvisionOkAsync("inference", "cohere-rerank-3-5");
        var key = inferenceBody.GetProperty("config").GetProperty("INFERENCE_KEY").GetString()!;
        var mobiloudSession = await app.SsoLoginAsync(mobiloud);
        var kafkaSession = await app.SsoLoginAsync(kafka);
        var anonymous = app.NewBrowserClient();
        var c = app.Client;

        HttpRequestMessage V1(string path, string body, string? bearer = null)
        {
            var r = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (bearer is not null) r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bearer);
            return r;
        }
        HttpRequestMessage AdminGet(string path, string? token) =>
            new(HttpMethod.Get, path) { Headers = { Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token) } };
        Task<HttpResponseMessage> Sso(Dictionary<string, string> form) => anonymous.PostAsync("/sso/login", new FormUrlEncodedContent(form));
        Dictionary<string, string> Form(Action<Dictionary<string, string>> change)
        {
            var f = app.SsoForm(mobiloud, "mobiloud");
            change(f);
            return f;
        }
        Task<HttpResponseMessage> Dash(HttpClient client, string page, string action, Dictionary<string, string> fields) =>
            AppFixture.PostFormAsync(client, page, action, fields);
        var ml = $"/dashboard/{mobiloud}/mobiloud";
        var kf = $"/dashboard/{kafka}/kafka";
        var deep = new string('[', 200) + new string(']', 200);
        var docs1001 = "[" + string.Join(",", Enumerable.Repeat("\"doc\"", 1001)) + "]";
        var alg = Convert.ToBase64String("{\"alg\":\"none\",\"typ\":\"JWT\"}"u8.ToArray()).TrimEnd('=');
        var claims = Convert.ToBase64String("{\"sub\":\"eve\",\"role\":\"security\",\"iss\":\"addon-provider\",\"aud\":\"addon-provider-admin\",\"exp\":4102444800}"u8.ToArray()).TrimEnd('=');

        var cases = new List<Case>
        {
            // Partner API
            new("partner", "broken JSON", () => c.SendAsync(Raw(HttpMethod.Post, "/heroku/resources", "{\"uuid\": \"6c9d"))),
            new("partner", "uuid of the wrong type", () => c.SendAsync(Raw(HttpMethod.Post, "/heroku/resources", Provision(uuid: "12345")))),
            new("partner", "SQL in uuid", () => c.SendAsync(Raw(HttpMethod.Post, "/heroku/resources", Provision(uuid: $"\"{Sql}\""))), Sql),
            new("partner", "script as plan", () => c.SendAsync(Raw(HttpMethod.Post, "/heroku/resources", Provision(plan: "\"<script>alert(1)</script>\"")))),
            new("partner", "SQL as plan", () => c.SendAsync(Raw(HttpMethod.Post, "/heroku/resources", Provision(plan: $"\"{Sql}\""))), Sql),
            new("partner", "huge field (70 KiB)", () => c.SendAsync(Raw(HttpMethod.Post, "/heroku/resources", Provision(extra: $",\"name\":\"{new string('a', 70 * 1024)}\"")))),
            new("partner", "right-to-left override in region", () => c.SendAsync(Raw(HttpMethod.Post, "/heroku/resources", Provision(region: "\"us\\u202e\"")))),
            new("partner", "full-width digits in uuid", () => c.SendAsync(Raw(HttpMethod.Post, "/heroku/resources", Provision(uuid: "\"６c9d7e36-1b7c-4a0c-a7a1-3e0f8c8f2a11\"")))),
            new("partner", "NUL byte in plan", () => c.SendAsync(Raw(HttpMethod.Post, "/heroku/resources", Provision(plan: "\"te\\u0000st\"")))),
            new("partner", "CRLF header injection in plan", () => c.SendAsync(Raw(HttpMethod.Post, "/heroku/resources", Provision(plan: "\"test\\r\\nX-Injected: 1\"")))),
            new("partner", "options as a string", () => c.SendAsync(Raw(HttpMethod.Post, "/heroku/resources", Provision(extra: ",\"options\":\"model=x\"")))),
            new("partner", "nesting 200 deep", () => c.SendAsync(Raw(HttpMethod.Post, "/heroku/resources", Provision(extra: $",\"x\":{deep}")))),
            new("partner", "XML body", () => c.SendAsync(Raw(HttpMethod.Post, "/heroku/resources", "<resource><uuid>1</uuid></resource>", "application/xml"))),
            new("partner", "path traversal in plan-change id", () => c.SendAsync(Raw(HttpMethod.Put, "/heroku/resources/..%2F..%2Fetc%2Fpasswd", "{\"plan\":\"basic\"}"))),
            new("partner", "SQL in deprovision id", () => c.SendAsync(app.Partner(HttpMethod.Delete, $"/heroku/resources/{Uri.EscapeDataString(Sql)}", null, "mobiloud")), Sql),
            new("partner", "script in plan change", () => c.SendAsync(Raw(HttpMethod.Put, $"/heroku/resources/{mobiloud}", $"{{\"plan\":\"{Script}\"}}"))),
            new("partner", "SQL in Basic password", () => c.SendAsync(app.Partner(HttpMethod.Post, "/heroku/resources", Provision(), "mobiloud", "' OR '1'='1"))),
            // SSO
            new("sso", "script as resource_id", () => Sso(Form(f => f["resource_id"] = Script))),
            new("sso", "SQL as resource_id", () => Sso(Form(f => f["resource_id"] = Sql)), Sql),
            new("sso", "timestamp NaN", () => Sso(Form(f => f["timestamp"] = "NaN"))),
            new("sso", "timestamp far negative", () => Sso(Form(f => f["timestamp"] = "-99999999999999"))),
            new("sso", "10,000-char token", () => Sso(Form(f => f["user_scoped_resource_token"] = new string('a', 10_000)))),
            new("sso", "CRLF in email", () => Sso(Form(f => f["email"] = "user@example.com\r\nBcc: eve@example.com"))),
            new("sso", "script in nav-data with a bad token", () => Sso(Form(f => { f["nav-data"] = Script; f["user_scoped_resource_token"] = "00"; }))),
            new("sso", "legacy GET with traversal", () => anonymous.GetAsync("/heroku/resources/..%2F..%2Fetc?token=x&timestamp=1")),
            // Dashboard (with a valid session)
            new("dashboard", "javascript: website URL", () => Dash(mobiloudSession, ml, $"{ml}/website", new() { ["website_url"] = "javascript:alert(1)" }), "href=\"javascript:"),
            new("dashboard", "script as website URL", () => Dash(mobiloudSession, ml, $"{ml}/website", new() { ["website_url"] = Script })),
            new("dashboard", "form without antiforgery token", () => mobiloudSession.PostAsync($"{ml}/website", new FormUrlEncodedContent(new Dictionary<string, string> { ["website_url"] = "https://ok.example" }))),
            new("dashboard", "another resource's page", () => mobiloudSession.GetAsync($"/dashboard/{kafka}/kafka")),
            new("dashboard", "kafka topic with traversal", () => Dash(kafkaSession, kf, $"{kf}/topics", new() { ["name"] = "../../etc", ["partitions"] = "1", ["retention_hours"] = "1" })),
            new("dashboard", "kafka topic of 300 chars", () => Dash(kafkaSession, kf, $"{kf}/topics", new() { ["name"] = new string('t', 300), ["partitions"] = "1", ["retention_hours"] = "1" })),
            new("dashboard", "kafka topic named with script", () => Dash(kafkaSession, kf, $"{kf}/topics", new() { ["name"] = Script, ["partitions"] = "1", ["retention_hours"] = "1" })),
            new("dashboard", "kafka partitions over the plan", () => Dash(kafkaSession, kf, $"{kf}/topics", new() { ["name"] = "orders", ["partitions"] = "100000", ["retention_hours"] = "1" })),
            new("dashboard", "kafka group with SQL", () => Dash(kafkaSession, kf, $"{kf}/groups", new() { ["group"] = Sql }), Sql),
            // Inference API
            new("v1", "no key", () => c.SendAsync(V1("/v1/rerank", "{}"))),
            new("v1", "SQL as key", () => c.SendAsync(V1("/v1/rerank", "{}", Sql)), Sql),
            new("v1", "broken JSON", () => c.SendAsync(V1("/v1/rerank", "{\"model\":", key))),
            new("v1", "documents as a string", () => c.SendAsync(V1("/v1/rerank", "{\"model\":\"cohere-rerank-3-5\",\"query\":\"q\",\"documents\":\"abc\"}", key))),
            new("v1", "1001 documents", () => c.SendAsync(V1("/v1/rerank", $"{{\"model\":\"cohere-rerank-3-5\",\"query\":\"q\",\"documents\":{docs1001}}}", key))),
            new("v1", "script as model", () => c.SendAsync(V1("/v1/rerank", $"{{\"model\":\"{Script}\",\"query\":\"q\",\"documents\":[\"a\"]}}", key))),
            new("v1", "negative top_n", () => c.SendAsync(V1("/v1/rerank", "{\"model\":\"cohere-rerank-3-5\",\"query\":\"q\",\"documents\":[\"a\"],\"top_n\":-5}", key))),
            new("v1", "chat on a rerank key", () => c.SendAsync(V1("/v1/chat/completions", "{\"model\":\"kimi-k2-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", key))),
            // Admin API
            new("admin", "no token", () => c.SendAsync(AdminGet("/admin/resources", null))),
            new("admin", "alg none token", () => c.SendAsync(AdminGet("/admin/resources", $"{alg}.{claims}."))),
            new("admin", "garbage token with script", () => c.SendAsync(AdminGet("/admin/resources", "x" + Script.Replace("<", "").Replace(">", "")))),
            new("admin", "created range not a date", () => c.SendAsync(AdminGet("/admin/resources?createdFrom=not-a-date", AdminFixture.Token("operator")))),
            new("admin", "page size 10^9", () => c.SendAsync(AdminGet("/admin/resources?pageSize=1000000000", AdminFixture.Token("operator")))),
            new("admin", "resource id not a guid", () => c.SendAsync(AdminGet($"/admin/resources/{Uri.EscapeDataString(Sql)}", AdminFixture.Token("operator"))), Sql),
            new("admin", "advisory with script severity", () => app.SendAsync(HttpMethod.Post, "/admin/advisories", "{\"title\":\"t\",\"severity\":\"" + Script + "\",\"summary\":\"s\",\"assessment\":\"a\",\"mitigation\":\"m\",\"affected\":{\"all\":true}}")),
            new("admin", "advisory cveIds of the wrong type", () => app.SendAsync(HttpMethod.Post, "/admin/advisories", """{"title":"t","severity":"low","cveIds":"CVE-1","summary":"s","assessment":"a","mitigation":"m"}""")),
        };

        var before = await SnapshotAsync();
        var failures = new List<string>();
        foreach (var @case in cases)
        {
            using var response = await @case.Send();
            var body = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            var label = $"[{@case.Surface}] {@case.Name}: {status}";
            if (status is < 400 or > 499) failures.Add($"{label} is not a 4xx: {Trim(body)}");
            else if (string.IsNullOrWhiteSpace(body)) failures.Add($"{label} has no explanation");
            if (@case.MustNotEcho is { } payload && body.Contains(payload, StringComparison.Ordinal)) failures.Add($"{label} echoes the payload unescaped");
            if (body.Contains("   at ", StringComparison.Ordinal) || body.Contains("Exception", StringComparison.Ordinal)) failures.Add($"{label} shows internals: {Trim(body)}");
            if (response.Headers.Contains("X-Injected")) failures.Add($"{label} let a header through");
        }
        var after = await SnapshotAsync();

        Assert.True(cases.Count >= 40, $"only {cases.Count} cases");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, after);
    }

    private static string Trim(string s) => s.Length > 300 ? s[..300] + "…" : s;
}
