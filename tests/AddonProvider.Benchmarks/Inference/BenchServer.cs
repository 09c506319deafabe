using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AddonProvider.Data;
using AddonProvider.Web.Provisioning;

namespace AddonProvider.Benchmarks.Inference;

/// <summary>
/// What the inference benchmarks share: a migrated database (DATABASE_URL, default the `./dev.sh run` cluster) and
/// a way to provision an Inference resource through the Partner API of a running server.
/// </summary>
internal static class BenchServer
{
    public static string DatabaseUrl => Environment.GetEnvironmentVariable("DATABASE_URL") ?? "postgres://postgres@127.0.0.1:5433/addonprovider";

    public static async Task MigrateAsync() =>
        await Migrations.Migrator.MigrateAsync(Data.DatabaseUrl.ToConnectionString(DatabaseUrl));

    public static async Task<string> ProvisionKeyAsync(HttpClient client, string plan, object? options = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/heroku/resources")
        {
            Content = JsonContent.Create(new { uuid = Guid.NewGuid(), plan, region = "amazon-web-services::us-east-1", options = options ?? new { } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"inference:{AddonCredentials.DevPassword("inference")}")));
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"provision failed: {body}");
        return body.GetProperty("config").GetProperty("INFERENCE_KEY").GetString()!;
    }

    /// <summary>~50-word documents from a fixed vocabulary; the same seed gives the same corpus.</summary>
    public static string[] Documents(int count, int words, int seed = 42)
    {
        var random = new Random(seed);
        var vocabulary = Enumerable.Range(0, 3000).Select(i => Word(random)).ToArray();
        return Enumerable.Range(0, count)
            .Select(_ => string.Join(' ', Enumerable.Range(0, words).Select(_ => vocabulary[(int)(Math.Pow(random.NextDouble(), 2) * vocabulary.Length)])) + ".")
            .ToArray();
    }

    private static string Word(Random random)
    {
        const string letters = "etaoinshrdlucmfwypvbgkqjxz";
        var length = random.Next(3, 10);
        return string.Create(length, random, (span, r) => { for (var i = 0; i < span.Length; i++) span[i] = letters[(int)(Math.Pow(r.NextDouble(), 1.5) * letters.Length)]; });
    }
}
