using AddonProvider.Data;
using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Catalog;

/// <summary>
/// The catalog as this process sees it. The migrator writes it at release time and dynos start after the
/// release, so one load per process is enough; it is read on every provision, so it must not cost a query.
/// </summary>
public sealed class CatalogCache(IServiceScopeFactory scopes)
{
    private Task<CatalogSnapshot>? _snapshot;

    public Task<CatalogSnapshot> GetAsync()
    {
        var current = _snapshot;
        if (current is { IsCompletedSuccessfully: true }) return current;
        // A failed load (database briefly down) is retried by the next caller rather than cached.
        if (current is null || current.IsFaulted || current.IsCanceled)
            Interlocked.CompareExchange(ref _snapshot, LoadAsync(), current);
        return _snapshot!;
    }

    private async Task<CatalogSnapshot> LoadAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AddonDbContext>();
        var products = await db.Products.AsNoTracking().Include(p => p.Plans).ToListAsync();
        var models = await db.InferenceModels.AsNoTracking().ToListAsync();
        return new CatalogSnapshot(products, models);
    }
}

public sealed class CatalogSnapshot
{
    private readonly Dictionary<string, Product> _products;
    private readonly Dictionary<(string, string), Plan> _plans;
    private readonly Dictionary<string, InferenceModel> _models;

    public CatalogSnapshot(IEnumerable<Product> products, IEnumerable<InferenceModel> models)
    {
        _products = products.ToDictionary(p => p.Id);
        _plans = _products.Values.SelectMany(p => p.Plans).ToDictionary(p => (p.ProductId, p.Slug));
        _models = models.ToDictionary(m => m.Id);
    }

    public Product? Product(string id) => _products.GetValueOrDefault(id);
    public IEnumerable<string> ProductIds => _products.Keys.Order();
    public Plan? Plan(string productId, string slug) => _plans.GetValueOrDefault((productId, slug));
    public InferenceModel? Model(string id) => _models.GetValueOrDefault(id);
    public IEnumerable<InferenceModel> Models => _models.Values;

    public IEnumerable<Plan> PlansOf(string productId) =>
        _products.TryGetValue(productId, out var p) ? p.Plans.OrderBy(x => x.SortOrder) : [];

    public IEnumerable<InferenceModel> ModelsIn(string region) => _models.Values.Where(m => m.Regions.Contains(region));
}
