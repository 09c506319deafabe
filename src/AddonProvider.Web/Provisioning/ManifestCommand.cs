using AddonProvider.Web.Catalog;
using AddonProvider.Web.Configuration;

namespace AddonProvider.Web.Provisioning;

/// <summary>`manifest &lt;product&gt;`: prints that add-on's manifest JSON on stdout and nothing else.</summary>
public static class ManifestCommand
{
    public static int Run(string productId, IReadOnlyList<ProductInfo> products)
    {
        if (products.FirstOrDefault(p => p.Id == productId) is not { } info)
        {
            System.Console.Error.WriteLine($"unknown product '{productId}'; one of: {string.Join(", ", products.Select(p => p.Id))}");
            return 2;
        }
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        try
        {
            var settings = new Settings(configuration, HostEnvironment.Resolve([]));
            var manifest = Manifests.For(info, AddonCredentials.From(settings, products), PublicUrls.From(settings), devPort: 5000);
            System.Console.Out.Write(Manifests.Print(manifest));
            return 0;
        }
        catch (InvalidOperationException e)
        {
            System.Console.Error.WriteLine(e.Message);
            return 1;
        }
    }
}
