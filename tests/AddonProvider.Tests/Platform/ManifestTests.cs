using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AddonProvider.Data.Catalog;
using AddonProvider.Web;
using AddonProvider.Web.Configuration;
using AddonProvider.Web.Provisioning;
using Microsoft.Extensions.Configuration;

namespace AddonProvider.Tests.Platform;

public sealed class ManifestTests
{
    private static JsonObject Manifest(string product, Dictionary<string, string?>? env = null)
    {
        var settings = new Settings(new ConfigurationBuilder().AddInMemoryCollection(env ?? []).Build(), Microsoft.Extensions.Hosting.Environments.Development);
        var info = AddonProviderApp.Products.Single(p => p.Id == product);
        return Manifests.For(info, AddonCredentials.From(settings, AddonProviderApp.Products), PublicUrls.From(settings), devPort: 5000);
    }

    [Theory]
    [InlineData("mobiloud", "MOBILOUD")]
    [InlineData("kafkacluster", "KAFKACLUSTER")]
    [InlineData("inference", "INFERENCE")]
    public void Manifest_FollowsHerokusV3Rules(string product, string prefix)
    {
        var env = new Dictionary<string, string?> { ["PUBLIC_BASE_URL"] = "https://addons.example.com", [$"ADDON_{prefix}_PASSWORD"] = "p4ss", [$"ADDON_{prefix}_SSO_SALT"] = "s4lt" };
        var m = Manifest(product, env);
        var api = m["api"]!.AsObject();

        Assert.Equal(product, (string?)m["id"]);
        Assert.Matches("^[a-z][a-z0-9-]*$", (string?)m["id"]);
        Assert.Equal(prefix, (string?)api["config_vars_prefix"]);
        var vars = api["config_vars"]!.AsArray().Select(v => (string)v!).ToList();
        Assert.NotEmpty(vars);
        Assert.All(vars, v => { Assert.Matches("^[A-Z][0-9A-Z_]+$", v); Assert.StartsWith(prefix + "_", v); });
        Assert.Contains("us", api["regions"]!.AsArray().Select(r => (string)r!));
        Assert.Equal("p4ss", (string?)api["password"]);
        Assert.Equal("s4lt", (string?)api["sso_salt"]);
        Assert.Equal("3", (string?)api["version"]);
        Assert.Null(api["username"]);
        Assert.Equal("https://addons.example.com/heroku/resources", (string?)api["production"]!["base_url"]);
        Assert.Equal("https://addons.example.com/sso/login", (string?)api["production"]!["sso_url"]);
        Assert.Equal("http://localhost:5000/heroku/resources", (string?)api["test"]!["base_url"]);
        Assert.Equal("http://localhost:5000/sso/login", (string?)api["test"]!["sso_url"]);
    }

    [Fact]
    public void Manifest_InDevelopment_StillHasHttpsProductionUrls()
    {
        var api = Manifest("kafkacluster")["api"]!;
        Assert.StartsWith("https://", (string?)api["production"]!["base_url"]);
    }

    [Fact]
    public void RootAddonManifest_IsTheDevelopmentMobiLoudManifest()
    {
        var root = Path.Combine(RepoRoot(), "addon-manifest.json");
        Assert.Equal(Manifests.Print(Manifest(CatalogDefinition.MobiLoud)), File.ReadAllText(root));
    }

    internal static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "AddonProvider.sln"))) dir = Path.GetDirectoryName(dir)!;
        return dir;
    }
}
