namespace AddonProvider.Tests.Architecture;

/// <summary>Cycles in a directed graph of folders: for every edge that closes one, the shortest cycle through it, each reported once.</summary>
public static class FolderCycles
{
    public static IReadOnlyList<IReadOnlyList<string>> Find(IEnumerable<(string From, string To)> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).Order().ToList());
        var cycles = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var (from, targets) in next.OrderBy(n => n.Key))
            foreach (var to in targets)
            {
                if (ShortestPath(next, to, from) is not { } back) continue;
                List<string> cycle = [from, .. back[..^1]];
                // The same cycle found from another of its edges starts elsewhere: rotate it to its smallest folder.
                var start = cycle.IndexOf(cycle.Min(StringComparer.Ordinal)!);
                List<string> canonical = [.. cycle[start..], .. cycle[..start]];
                cycles.TryAdd(string.Join('>', canonical), canonical);
            }
        return [.. cycles.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Value)];
    }

    /// <summary>Breadth first: the folders from <paramref name="start"/> to <paramref name="goal"/>, both included; null when unreachable.</summary>
    private static List<string>? ShortestPath(Dictionary<string, List<string>> next, string start, string goal)
    {
        var cameFrom = new Dictionary<string, string?> { [start] = null };
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var at))
        {
            if (at == goal)
            {
                var path = new List<string>();
                for (string? step = at; step is not null; step = cameFrom[step]) path.Add(step);
                path.Reverse();
                return path;
            }
            foreach (var to in next.GetValueOrDefault(at, []))
                if (cameFrom.TryAdd(to, at)) queue.Enqueue(to);
        }
        return null;
    }
}
