using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using AddonProvider.Tests.Infrastructure;

namespace AddonProvider.Tests.Inference;

/// <summary>
/// The service with the inference API wired to a <see cref="FakeChatUpstream"/> for <c>qwen3-235b</c> (and, relabelled,
/// <c>kimi-k2-5</c>); <c>qwen3-coder-480b</c> has no upstream. Keep-alives every second, a 2 MiB body limit.
/// </summary>
public class InferenceFixture : AppFixture
{
    public FakeChatUpstream Upstream { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["INFERENCE_UPSTREAM_QWEN3_235B_URL"] = Upstream.BaseAddress.ToString(),
        ["INFERENCE_UPSTREAM_QWEN3_235B_KEY"] = FakeChatUpstream.Key,
        ["INFERENCE_UPSTREAM_KIMI_K2_5_URL"] = Upstream.BaseAddress.ToString(),
        ["INFERENCE_UPSTREAM_KIMI_K2_5_MODEL"] = "moonshot/kimi-k2.5",
        ["INFERENCE_STREAM_KEEPALIVE"] = "1s",
        ["INFERENCE_UPSTREAM_TIMEOUT"] = "4s",
        ["INFERENCE_MAX_BODY_BYTES"] = (2 * 1024 * 1024).ToString(),
    };

    public override async Task InitializeAsync()
    {
        await Upstream.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Upstream.DisposeAsync();
    }

    /// <summary>Provisions an Inference resource and returns its id and INFERENCE_KEY.</summary>
    public async Task<(Guid Id, string Key)> KeyAsync(string plan, string region = "us", object? options = null)
    {
        var (id, body) = await ProvisionOkAsync("inference", plan, options, region);
        return (id, body.GetProperty("config").GetProperty("INFERENCE_KEY").GetString()!);
    }

    /// <summary>
    /// Rotates the resource's key the way a customer does (the dashboard's Rotate, confirmed) and returns the new key,
    /// revealed on the dashboard. The old key keeps working for CREDENTIAL_OVERLAP.
    /// </summary>
    public async Task<string> RotateKeyAsync(Guid resourceId)
    {
        using var client = await SsoLoginAsync(resourceId);
        var page = $"/dashboard/{resourceId}/inference";
        using (var rotated = await PostFormAsync(client, $"{page}/rotate", $"{page}/rotate", new Dictionary<string, string>()))
            Assert.True(rotated.StatusCode == HttpStatusCode.Redirect, $"rotate answered {(int)rotated.StatusCode}: {await rotated.Content.ReadAsStringAsync()}");
        using var revealed = await PostFormAsync(client, page, $"{page}/reveal", new Dictionary<string, string>());
        var html = await revealed.Content.ReadAsStringAsync();
        var key = WebUtility.HtmlDecode(Regex.Match(html, "<code id=\"key-value\">([^<]+)</code>").Groups[1].Value);
        Assert.True(key.StartsWith("inf-", StringComparison.Ordinal), $"no key revealed on the dashboard: {html}");
        return key;
    }

    public static HttpRequestMessage Call(string? key, string path, object? body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Content = body switch
        {
            null => null,
            string s => new StringContent(s, System.Text.Encoding.UTF8, "application/json"),
            _ => JsonContent.Create(body),
        };
        return request;
    }

    public Task<HttpResponseMessage> RerankAsync(string? key, object body) => Client.SendAsync(Call(key, "/v1/rerank", body));

    public Task<HttpResponseMessage> ChatAsync(string? key, object body, HttpCompletionOption option = HttpCompletionOption.ResponseContentRead) =>
        Client.SendAsync(Call(key, "/v1/chat/completions", body), option);
}
