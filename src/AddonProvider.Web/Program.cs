using AddonProvider.Web;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Configuration;
using AddonProvider.Web.Provisioning;

// Commands of contract.md first; anything else runs the service.
switch (args)
{
    case ["manifest", var product, ..]:
        return ManifestCommand.Run(product, AddonProviderApp.Products);
    case ["token", ..]:
        return TokenCommand.Run(args);
    case ["manifest", ..]:
        System.Console.Error.WriteLine($"usage: manifest <{string.Join('|', AddonProviderApp.Products.Select(p => p.Id))}>");
        return 2;
}

WebApplication app;
try
{
    app = AddonProviderApp.Build(args);
}
catch (InvalidOperationException e)
{
    // Configuration refused (a missing or development secret, Development on a dyno): say which, without a stack trace.
    System.Console.Error.WriteLine($"start-up refused: {e.Message}");
    return 1;
}
await app.RunAsync();
return 0;
