using System.Runtime.InteropServices;
using AddonProvider.Benchmarks;

// dotnet run -c Release --project tests/AddonProvider.Benchmarks -- <name> [args]
var benchmarks = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IBenchmark).IsAssignableFrom(t))
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name)
    .ToList();

if (args.Length == 0 || benchmarks.All(b => b.Name != args[0]))
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/AddonProvider.Benchmarks -- <benchmark> [args]");
    foreach (var b in benchmarks) Console.Error.WriteLine($"  {b.Name,-24} {b.Description}");
    return 2;
}

Console.WriteLine($"# machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
return await benchmarks.Single(b => b.Name == args[0]).RunAsync(args[1..]);
