using System.Globalization;
using AddonProvider.Harness;
using AddonProvider.Simulator;

// Test-side tools that read our tables: the fault harness, and the simulator's load with database row checks.
var options = CommandLine.Parse(args);
try
{
    switch (options.Positional)
    {
        case ["load", ..]:
        {
            var providerUrl = Environment.GetEnvironmentVariable("PROVIDER_URL") ?? "http://localhost:5000";
            var databaseUrl = Environment.GetEnvironmentVariable("DATABASE_URL") is { Length: > 0 } url ? url
                : throw new InvalidOperationException("DATABASE_URL is not set: load checks the provider's rows in that database.");
            return await RowCheckedLoad.RunAsync(LoadOptions.From(options, providerUrl), databaseUrl, Console.Out);
        }
        case [var scenario and ("kill-web" or "restart-postgres" or "start-during-outage" or "secrets" or "soak" or "memory-burst"), ..]:
        {
            var harness = new HarnessOptions(scenario, options.Int("n", 2000), options.Int("c", 16), options.Int("after", 700),
                TimeSpan.FromMinutes(double.Parse(options.Get("minutes") ?? (scenario == "soak" ? "10" : "1"), CultureInfo.InvariantCulture)),
                options.Has("build"), options.Has("keep"), options.Has("grant"),
                TimeSpan.FromSeconds(double.Parse(options.Get("outage") ?? "10", CultureInfo.InvariantCulture)));
            return await HarnessCommand.RunAsync(harness, Console.Out);
        }
        default:
            Console.Error.WriteLine(HarnessCommand.Usage);
            return 2;
    }
}
catch (Exception e) when (e is MissingSecretException or InvalidOperationException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
