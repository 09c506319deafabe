using System.Globalization;

namespace AddonProvider.Benchmarks.Inference;

internal static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = p / 100 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    public static string Summary(string label, IReadOnlyList<double> ms) => string.Create(CultureInfo.InvariantCulture,
        $"{label,-34} n={ms.Count,5}  p50={Percentile(ms, 50),8:F3} ms  p90={Percentile(ms, 90),8:F3} ms  p99={Percentile(ms, 99),8:F3} ms  mean={ms.Average(),8:F3} ms");
}
