namespace AddonProvider.Simulator;

/// <summary>Positional words and <c>--name value</c> / <c>--flag</c> options, as the simulator's commands take them.</summary>
public sealed record CommandLine(string[] Positional, Dictionary<string, string?> Named)
{
    private static readonly HashSet<string> Flags = ["grant", "build", "keep"];

    public string? Get(string name) => Named.GetValueOrDefault(name);
    public bool Has(string name) => Named.ContainsKey(name);
    public int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public static CommandLine Parse(string[] args)
    {
        var positional = new List<string>();
        var named = new Dictionary<string, string?>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) { positional.Add(args[i]); continue; }
            var name = args[i][2..];
            var isFlag = Flags.Contains(name) || i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal);
            named[name] = isFlag ? null : args[++i];
        }
        return new CommandLine(positional.ToArray(), named);
    }
}
