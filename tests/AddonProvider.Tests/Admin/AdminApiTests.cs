using System.Net;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;

namespace AddonProvider.Tests.Admin;

public sealed class AdminApiTests(AdminFixture app) : IClassFixture<AdminFixture>
{
    [Fact]
    public async Task ResourceSearch_CombinesFiltersAndPages()
    {
        var owner = $"Owner-{Guid.NewGuid():N}@Example.com";
        var eu = await app.ResourceAsync("kafkacluster", "basic-0", "eu", owner);
        await app.ResourceAsync("kafkacluster", "basic-0", "us", owner);
        await app.ResourceAsync("mobiloud", "starter", "eu", owner);

        using var response = await app.SendAsync(HttpMethod.Get,
            $"/admin/resources?product=kafkacluster&plan=basic-0&region=eu&state=provisioned&ownerEmail={Uri.EscapeDataString(owner.ToLowerInvariant())}",
            role: AdminRoles.Operator);
        var body = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, body.GetProperty("total").GetInt32());
        Assert.Equal(eu.Id, body.GetProperty("items")[0].GetProperty("id").GetGuid());

        using var paged = await app.SendAsync(HttpMethod.Get, $"/admin/resources?ownerEmail={Uri.EscapeDataString(owner)}&pageSize=2&page=2", role: AdminRoles.Operator);
        var page2 = await paged.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, page2.GetProperty("total").GetInt32());
        Assert.Equal(1, page2.GetProperty("items").GetArrayLength());

        using var bad = await app.SendAsync(HttpMethod.Get, "/admin/resources?pageSize=1000", role: AdminRoles.Operator);
        await bad.ExpectProblemAsync(HttpStatusCode.BadRequest, "pageSize");
    }

    [Fact]
    public async Task ResourceDetail_ListsConfigVarNamesAndAuditButNoSecrets()
    {
        var (id, provisioned) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var password = provisioned.GetProperty("config").GetProperty("KAFKACLUSTER_PASSWORD").GetString()!;

        using var response = await app.SendAsync(HttpMethod.Get, $"/admin/resources/{id}", role: AdminRoles.Operator);
        var text = await response.Content.ReadAsStringAsync();
        var body = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["KAFKACLUSTER_BROKERS", "KAFKACLUSTER_USERNAME", "KAFKACLUSTER_PASSWORD", "KAFKACLUSTER_SASL_METHOD", "KAFKACLUSTER_PREFIX"],
            body.GetProperty("configVarNames").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain(password, text);
        Assert.False(body.TryGetProperty("usage", out _));
        Assert.Equal("provision", body.GetProperty("audit")[0].GetProperty("action").GetString());

        using var missing = await app.SendAsync(HttpMethod.Get, $"/admin/resources/{Guid.NewGuid()}", role: AdminRoles.Operator);
        await missing.ExpectProblemAsync(HttpStatusCode.NotFound, "No resource");
    }

    [Fact]
    public async Task AuditLog_FiltersByResourceAndAction()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        using (var deprovision = await app.DeprovisionAsync("mobiloud", id)) await deprovision.ExpectAsync(HttpStatusCode.NoContent);

        using var response = await app.SendAsync(HttpMethod.Get, $"/admin/audit?resourceId={id}&action=deprovision", role: AdminRoles.Operator);
        var body = await response.ExpectAsync(HttpStatusCode.OK);
        var item = Assert.Single(body.GetProperty("items").EnumerateArray());
        Assert.Equal("deprovision", item.GetProperty("action").GetString());
        Assert.Equal(id, item.GetProperty("resourceId").GetGuid());

        using var all = await app.SendAsync(HttpMethod.Get, $"/admin/audit?resourceId={id}", role: AdminRoles.Operator);
        Assert.Equal(2, (await all.ExpectAsync(HttpStatusCode.OK)).GetProperty("total").GetInt32());
    }
}
