using System.Net;
using System.Text.Json;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AddonProvider.Tests.Catalog;

/// <summary>The app with a fourth, test-only add-on: its catalog rows and product type come from the test alone.</summary>
public sealed class WidgetsFixture : AppFixture
{
    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddProduct<WidgetsProduct>(WidgetsProduct.Facts, WidgetsProduct.MapPages)
            .AddJob<WidgetsProduct.Job>(WidgetsProduct.SetUp)
            .AddJob<WidgetsProduct.Job>(WidgetsProduct.TearDown);

    protected override async Task BeforeStartAsync(string connectionString)
    {
        await using var db = new Data.AddonDbContext(new DbContextOptionsBuilder<Data.AddonDbContext>().UseNpgsql(connectionString).Options);
        db.Products.Add(WidgetsProduct.CatalogRows);
        await db.SaveChangesAsync();
    }
}

/// <summary>
/// The product seam holds: a product that src/ has never heard of is provisioned, changes plan, is opened through SSO
/// and is deprovisioned through the real Partner API, with its own rules and jobs applied.
/// </summary>
public sealed class FourthProductTests(WidgetsFixture app) : IClassFixture<WidgetsFixture>
{
    [Fact]
    public async Task TestOnlyProduct_LivesThroughTheWholeLifecycle_ByItsOwnRules()
    {
        var (id, provisioned) = await app.ProvisionOkAsync(WidgetsProduct.Id, "small");
        Assert.Equal("Widgets are ready.", provisioned.GetProperty("message").GetString());
        Assert.Equal($"https://widgets.example.test/{id:N}/small", provisioned.GetProperty("config").GetProperty("WIDGETS_URL").GetString());
        Assert.Equal([WidgetsProduct.SetUp], await JobsForAsync(id));

        using (var refused = await app.ChangePlanAsync(WidgetsProduct.Id, id, WidgetsProduct.Sealed))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("Widgets cannot move to the sealed plan.", await refused.Content.ReadAsStringAsync());
        }
        using (var changed = await app.ChangePlanAsync(WidgetsProduct.Id, id, "large"))
        {
            var body = await changed.ExpectAsync(HttpStatusCode.OK);
            Assert.Equal($"https://widgets.example.test/{id:N}/large", body.GetProperty("config").GetProperty("WIDGETS_URL").GetString());
        }
        await using (var db = app.Db())
            Assert.Equal("large", (await db.Resources.SingleAsync(r => r.Id == id)).PlanSlug);

        var browser = await app.SsoLoginAsync(id);
        using (var home = await browser.GetAsync($"/dashboard/{id}"))
        {
            Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
            Assert.Equal($"/dashboard/{id}/widgets", home.Headers.Location!.OriginalString);
        }
        Assert.Contains($"Widgets of {id}", await browser.GetStringAsync($"/dashboard/{id}/widgets"));

        using (var gone = await app.DeprovisionAsync(WidgetsProduct.Id, id))
            Assert.Equal(HttpStatusCode.NoContent, gone.StatusCode);
        await using (var db = app.Db())
            Assert.Equal(ResourceState.Deprovisioned, (await db.Resources.SingleAsync(r => r.Id == id)).State);
        Assert.Equal([WidgetsProduct.SetUp, WidgetsProduct.TearDown], await JobsForAsync(id));
    }

    [Fact]
    public async Task TestOnlyProduct_RefusesAProvisionByItsOwnValidation_AndNothingIsWritten()
    {
        var uuid = Guid.NewGuid();
        using var response = await app.ProvisionAsync(WidgetsProduct.Id, "small", uuid, options: new { color = "plaid" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("Widgets do not come in plaid.", await response.Content.ReadAsStringAsync());
        await using var db = app.Db();
        Assert.False(await db.Resources.AnyAsync(r => r.Id == uuid));
        Assert.Empty(await JobsForAsync(uuid));
    }

    [Fact]
    public async Task OtherProductsCredentials_CannotProvisionTheFourthProduct()
    {
        var uuid = Guid.NewGuid();
        using var response = await app.Client.SendAsync(app.Partner(HttpMethod.Post, "/heroku/resources",
            AppFixture.ProvisionBody(uuid, "small"), product: WidgetsProduct.Id, password: AppFixture.DevPassword("mobiloud")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await using var db = app.Db();
        Assert.False(await db.Resources.AnyAsync(r => r.Id == uuid));
    }

    private async Task<List<string>> JobsForAsync(Guid id)
    {
        await using var db = app.Db();
        return await db.Outbox.Where(m => m.Argument == id.ToString() && m.Kind.StartsWith("widgets.")).OrderBy(m => m.Id).Select(m => m.Kind).ToListAsync();
    }
}
