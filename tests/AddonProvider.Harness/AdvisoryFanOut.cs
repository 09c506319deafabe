using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Harness;

/// <summary>
/// The worker's share of the memory burst: a security advisory to <see cref="Recipients"/> resources, each with its own
/// owner email, published through the admin API and delivered by the worker to an in-process SMTP sink.
/// The resources are written straight into the database (their provisioning is not what is measured) in a region
/// no other load uses, which is also what the advisory targets.
/// </summary>
public static class AdvisoryFanOut
{
    public const int Recipients = 10_000;
    private const string Region = "eu";

    public static async Task SeedAsync(Stack stack)
    {
        await using var db = Db(stack);
        var now = DateTime.UtcNow;
        for (var i = 0; i < Recipients; i++)
            db.Resources.Add(new Resource
            {
                Id = Guid.NewGuid(), ProductId = "kafkacluster", PlanSlug = "starter", OriginalPlanSlug = "starter", Region = Region,
                State = ResourceState.Provisioned, OwnerEmail = $"fanout-owner{i}@customer.example", CreatedAt = now, UpdatedAt = now,
                Name = $"fanout-app-{i}",
            });
        await db.SaveChangesAsync();
    }

    /// <summary>Creates and publishes the advisory; returns its id.</summary>
    public static async Task<Guid> PublishAsync(Stack stack)
    {
        using var http = new HttpClient { BaseAddress = stack.ProviderUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OperatorToken(stack));
        using var created = await http.PostAsJsonAsync("admin/advisories", new
        {
            title = "Harness fan-out advisory", severity = "high", cveIds = new[] { "CVE-2026-0001" }, summary = "Memory burst fan-out.",
            assessment = "Check nothing.", mitigation = "Do nothing.", links = new[] { "https://example.com/advisory" },
            affected = new { products = new[] { "kafkacluster" }, regions = new[] { Region } },
        });
        var body = await created.Content.ReadAsStringAsync();
        if (!created.IsSuccessStatusCode) throw new InvalidOperationException($"creating the advisory answered {(int)created.StatusCode}: {body}");
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
        using var published = await http.PostAsync($"admin/advisories/{id}/publish", null);
        if (!published.IsSuccessStatusCode)
            throw new InvalidOperationException($"publishing the advisory answered {(int)published.StatusCode}: {await published.Content.ReadAsStringAsync()}");
        return id;
    }

    public static async Task<(int Sent, int Total)> ProgressAsync(Stack stack, Guid advisoryId)
    {
        await using var db = Db(stack);
        var rows = db.AdvisoryNotifications.Where(n => n.AdvisoryId == advisoryId);
        return (await rows.CountAsync(n => n.Status == NotificationStatus.Sent), await rows.CountAsync());
    }

    private static AddonDbContext Db(Stack stack) =>
        new(new DbContextOptionsBuilder<AddonDbContext>().UseNpgsql(DatabaseUrl.ToConnectionString(stack.DatabaseUrl)).Options);

    /// <summary>An HS256 operator token for the stack's own signing key (what the `token` command mints).</summary>
    private static string OperatorToken(Stack stack)
    {
        static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = B64(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }));
        var payload = B64(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = "harness", ["role"] = new[] { "operator", "security" }, ["iss"] = stack.Env["ADMIN_JWT_ISSUER"],
            ["aud"] = stack.Env["ADMIN_JWT_AUDIENCE"], ["iat"] = now, ["nbf"] = now, ["exp"] = now + 3600,
        }));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(stack.Env["ADMIN_JWT_SIGNING_KEY"]), Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{B64(signature)}";
    }
}
