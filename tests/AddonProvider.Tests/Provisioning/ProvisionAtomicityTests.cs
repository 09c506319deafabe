using System.Net;
using AddonProvider.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Provisioning;

public sealed class ProvisionAtomicityTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Provision_WhenALaterInsertOfTheBatchFails_LeavesNothingBehind()
    {
        // Make the credential insert fail, in this fixture's database only. It references the resource row, so it
        // necessarily runs after the resource insert in the batch: a partial commit would leave that row behind.
        await using (var db = app.Db())
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE credentials ADD CONSTRAINT test_refuse_kafka CHECK (kind <> 'kafkascram')");

        var uuid = Guid.NewGuid();
        var response = await app.ProvisionAsync("kafkacluster", "free", uuid);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);

        await using var check = app.Db();
        Assert.False(await check.Resources.AnyAsync(r => r.Id == uuid));
        Assert.False(await check.Credentials.AnyAsync(c => c.ResourceId == uuid));
        Assert.False(await check.AuditLog.AnyAsync(a => a.ResourceId == uuid));
        Assert.False(await check.Outbox.AnyAsync(m => m.Argument == uuid.ToString()));

        await check.Database.ExecuteSqlRawAsync("ALTER TABLE credentials DROP CONSTRAINT test_refuse_kafka");
        await (await app.ProvisionAsync("kafkacluster", "free", uuid)).ExpectAsync(HttpStatusCode.OK);
    }
}
