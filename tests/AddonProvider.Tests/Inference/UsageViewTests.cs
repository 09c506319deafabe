using System.Net;
using System.Text.RegularExpressions;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;

namespace AddonProvider.Tests.Inference;

/// <summary>The last 30 days of use, on the customer's Inference dashboard and in the admin API's resource detail.</summary>
public sealed class UsageViewTests(AdminFixture app) : IClassFixture<AdminFixture>
{
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>Two models on one day, one three days ago, and one day outside the window.</summary>
    private async Task<Guid> ResourceWithUsageAsync()
    {
        var (id, _) = await app.ProvisionOkAsync("inference", "kimi-k2-5");
        await using var db = app.Db();
        db.InferenceUsageDays.AddRange(
            new InferenceUsageDay { ResourceId = id, ModelId = "kimi-k2-5", Day = Today, Requests = 40, PromptTokens = 1_000, CompletionTokens = 500 },
            new InferenceUsageDay { ResourceId = id, ModelId = "cohere-rerank-3-5", Day = Today, Requests = 10, SearchUnits = 12 },
            new InferenceUsageDay { ResourceId = id, ModelId = "kimi-k2-5", Day = Today.AddDays(-3), Requests = 25, PromptTokens = 200, CompletionTokens = 50 },
            new InferenceUsageDay { ResourceId = id, ModelId = "kimi-k2-5", Day = Today.AddDays(-30), Requests = 999, PromptTokens = 1 });
        await db.SaveChangesAsync();
        return id;
    }

    private static string D(DateOnly d) => d.ToString("yyyy-MM-dd");

    [Fact]
    public async Task Dashboard_ShowsThirtyDaysAsAnSvgChartAndATable_SummingModels()
    {
        var id = await ResourceWithUsageAsync();
        var client = await app.SsoLoginAsync(id);
        var page = await client.GetStringAsync($"/dashboard/{id}/inference");

        var bars = Regex.Matches(page, "<rect class=\"bar\" x=\"\\d+\" y=\"(\\d+)\" width=\"\\d+\" height=\"(\\d+)\" data-day=\"([\\d-]+)\" data-requests=\"(\\d+)\"");
        Assert.Equal(30, bars.Count);
        Assert.Equal(D(Today.AddDays(-29)), bars[0].Groups[3].Value); // the day 30 days back is outside the window
        Assert.Equal(("50", D(Today)), (bars[29].Groups[4].Value, bars[29].Groups[3].Value));
        Assert.Equal("25", bars[26].Groups[4].Value);
        Assert.Equal("0", bars[10].Groups[2].Value);
        Assert.True(int.Parse(bars[29].Groups[2].Value) > int.Parse(bars[26].Groups[2].Value)); // heights scale with requests
        Assert.DoesNotContain("<script>", page); // drawn on the server; the page's only scripts are files

        Assert.Contains($"<tr><td>{D(Today)}</td><td>50</td><td>1,500</td><td>12</td></tr>", page);
        Assert.Contains($"<tr><td>{D(Today.AddDays(-3))}</td><td>25</td><td>250</td><td>0</td></tr>", page);
        Assert.Contains($"<tr><td>{D(Today.AddDays(-1))}</td><td>0</td><td>0</td><td>0</td></tr>", page);
        Assert.Contains("<tr class=\"total\"><th>Last 30 days</th><th>75</th><th>1,750</th><th>12</th></tr>", page);
    }

    [Fact]
    public async Task AdminDetail_OfAnInferenceResource_IncludesUsagePerModelAndDay()
    {
        var id = await ResourceWithUsageAsync();
        using var response = await app.SendAsync(HttpMethod.Get, $"/admin/resources/{id}", role: AdminRoles.Operator);
        var usage = (await response.ExpectAsync(HttpStatusCode.OK)).GetProperty("usage").EnumerateArray()
            .Select(u => (u.GetProperty("day").GetString(), u.GetProperty("modelId").GetString(), u.GetProperty("requests").GetInt64(),
                u.GetProperty("tokens").GetInt64(), u.GetProperty("searchUnits").GetInt64()))
            .ToList();
        Assert.Equal([
            (D(Today.AddDays(-3)), "kimi-k2-5", 25L, 250L, 0L),
            (D(Today), "cohere-rerank-3-5", 10L, 0L, 12L),
            (D(Today), "kimi-k2-5", 40L, 1_500L, 0L),
        ], usage);
    }
}
