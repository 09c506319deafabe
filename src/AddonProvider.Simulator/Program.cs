using System.Net.Http.Json;
using System.Text.Json;
using AddonProvider.Simulator;

// The Heroku simulator: `serve` plays Heroku's side; the other commands drive the provider as Heroku would.
var providerUrl = (Environment.GetEnvironmentVariable("PROVIDER_URL") ?? "http://localhost:5000").TrimEnd('/');
var simulatorUrl = (Environment.GetEnvironmentVariable("SIMULATOR_URL") ?? "http://localhost:5100").TrimEnd('/');
var options = CommandLine.Parse(args);
try
{
    return await RunAsync();
}
catch (MissingSecretException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

async Task<int> RunAsync()
{
    switch (options.Positional)
    {
        case ["serve", ..]:
        {
            var url = options.Get("url") ?? $"http://localhost:{options.Get("port") ?? new Uri(simulatorUrl).Port.ToString()}";
            await using var sim = await HerokuSimulator.StartAsync(url, options.Get("provider") ?? providerUrl);
            Console.WriteLine($"Heroku simulator on {sim.BaseAddress} (OAuth at /oauth/token, Platform API at /, recorded calls at /_calls); provider {providerUrl}");
            await sim.App.WaitForShutdownAsync();
            return 0;
        }
        case ["provision", var productPlan, ..] when productPlan.Split(':', 2) is [var product, var plan]:
        {
            using var http = new HttpClient { BaseAddress = new Uri(providerUrl + "/") };
            var uuid = options.Get("uuid") is { } u ? Guid.Parse(u) : Guid.NewGuid();
            var extra = options.Get("model") is { } model ? new Dictionary<string, string> { ["model"] = model } : null;
            var body = ProviderClient.ProvisionBody(uuid, product, plan, options.Get("region") ?? "amazon-web-services::us-east-1", options.Has("grant"), extra);
            await TryRegisterAsync(simulatorUrl, uuid, product);
            using var response = await new ProviderClient(http).ProvisionAsync(product, body);
            return await PrintAsync(response);
        }
        case ["planchange", var idText, var plan, ..] when Guid.TryParse(idText, out var id):
        {
            using var http = new HttpClient { BaseAddress = new Uri(providerUrl + "/") };
            var product = await ProductOfAsync(id, options, simulatorUrl);
            using var response = await new ProviderClient(http).ChangePlanAsync(product, id, plan);
            return await PrintAsync(response);
        }
        case ["deprovision", var idText, ..] when Guid.TryParse(idText, out var id):
        {
            using var http = new HttpClient { BaseAddress = new Uri(providerUrl + "/") };
            var product = await ProductOfAsync(id, options, simulatorUrl);
            using var response = await new ProviderClient(http).DeprovisionAsync(product, id);
            return await PrintAsync(response);
        }
        case ["sso", var idText, ..] when Guid.TryParse(idText, out var id):
        {
            var product = await ProductOfAsync(id, options, simulatorUrl);
            // The simulator signs the form when the page loads, so the link stays usable beyond the SSO time window.
            Console.WriteLine($"{simulatorUrl}/_sso/{id}?product={product}");
            return 0;
        }
        case ["load", ..]:
        {
            var result = await LoadCommand.RunAsync(LoadOptions.From(options, providerUrl), Console.Out);
            return result.Errors == 0 ? 0 : 1;
        }
        default:
            Console.Error.WriteLine("""
                usage: dotnet run --project src/AddonProvider.Simulator -- <command>
                  serve [--port 5100]                                   play Heroku (OAuth + Platform API) until Ctrl-C
                  provision <product>:<plan> [--region r] [--grant] [--model m] [--uuid id]
                  planchange <id> <plan> [--product p]
                  deprovision <id> [--product p]
                  sso <id> [--product p]                                print a link that signs in to the resource's dashboard
                  load [--n 10000] [--c 16] [--grant] [--plans product:plan,...] [--warmup 500]
                environment: PROVIDER_URL (http://localhost:5000), SIMULATOR_URL (http://localhost:5100),
                             SIMULATOR_<PRODUCT>_PASSWORD / _SSO_SALT (the app's `manifest <product>`: api.password, api.sso_salt),
                             SIMULATOR_<PRODUCT>_OAUTH_CLIENT_SECRET (the provider's ADDON_<PRODUCT>_OAUTH_CLIENT_SECRET);
                             ./dev.sh run sets them all
                the fault harness and load's database row checks: dotnet run --project tests/AddonProvider.Harness
                """);
            return 2;
    }
}

static async Task<int> PrintAsync(HttpResponseMessage response)
{
    var text = await response.Content.ReadAsStringAsync();
    Console.WriteLine($"{(int)response.StatusCode} {response.ReasonPhrase}");
    if (text.Length > 0) Console.WriteLine(text);
    return response.IsSuccessStatusCode ? 0 : 1;
}

static async Task TryRegisterAsync(string simulatorUrl, Guid id, string product)
{
    try
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        using var _ = await http.PostAsJsonAsync($"{simulatorUrl}/_addons", new HerokuSimulator.RegisterAddon(id, product));
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { } // no simulator running: fine for sync provisions
}

static async Task<string> ProductOfAsync(Guid id, CommandLine options, string simulatorUrl)
{
    if (options.Get("product") is { } given) return given;
    try
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var known = await http.GetFromJsonAsync<JsonElement>($"{simulatorUrl}/_addons/{id}");
        return known.GetProperty("product").GetString()!;
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
    {
        throw new InvalidOperationException($"The simulator at {simulatorUrl} does not know {id}; pass --product <product>.");
    }
}

