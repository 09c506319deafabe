namespace AddonProvider.Benchmarks;

/// <summary>One runnable benchmark. Found by reflection: add a class, it appears in the list.</summary>
public interface IBenchmark
{
    string Name { get; }
    string Description { get; }
    Task<int> RunAsync(string[] args);
}
