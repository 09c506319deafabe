using System.Net;
using AddonProvider.Tests.Infrastructure;

namespace AddonProvider.Tests.Provisioning;

public sealed class RotatingPasswordFixture : AppFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ADDON_MOBILOUD_PASSWORD"] = "new-mobiloud-password",
        ["ADDON_MOBILOUD_PASSWORD_PREVIOUS"] = "old-mobiloud-password",
    };
}

public sealed class PasswordRotationTests(RotatingPasswordFixture app) : IClassFixture<RotatingPasswordFixture>
{
    [Theory]
    [InlineData("new-mobiloud-password", HttpStatusCode.OK)]
    [InlineData("old-mobiloud-password", HttpStatusCode.OK)]
    [InlineData("dev-mobiloud-password-not-for-production", HttpStatusCode.Unauthorized)]
    public async Task WhileAManifestChangePropagates_BothPasswordsWork_NothingElse(string password, HttpStatusCode expected)
    {
        var request = app.Partner(HttpMethod.Post, "/heroku/resources", AppFixture.ProvisionBody(Guid.NewGuid(), "test"), "mobiloud", password);
        Assert.Equal(expected, (await app.Client.SendAsync(request)).StatusCode);
    }
}
