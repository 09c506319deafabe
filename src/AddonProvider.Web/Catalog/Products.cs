using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AddonProvider.Web.Catalog;

/// <summary>
/// A registered product: its static facts, how its dashboard pages are mapped under <c>/dashboard/{id}/{path}</c>, and the
/// operators' console pages it has of its own under <c>/console/{path}</c> (none for most products).
/// </summary>
public sealed record ProductRegistration(ProductInfo Info, Action<RouteGroupBuilder> MapDashboard, ProductConsole? Console = null);

/// <summary>A product's own console section: its title in the console's navigation and how its pages are mapped.</summary>
public sealed record ProductConsole(string Title, Action<RouteGroupBuilder> Map);

/// <summary>Every registered product's facts by id, built once per process.</summary>
public sealed class ProductRegistry(IEnumerable<ProductRegistration> registrations)
{
    public IReadOnlyDictionary<string, ProductRegistration> ById { get; } = registrations.ToDictionary(r => r.Info.Id);
}

/// <summary>The product types of this process, by product id. Scoped: a product's hooks share the request's unit of work.</summary>
public sealed class Products(IServiceProvider services, ProductRegistry registry)
{
    private readonly IReadOnlyDictionary<string, ProductRegistration> _byId = registry.ById;

    /// <summary>The product type of <paramref name="productId"/>; every id that reaches here came from an authenticated caller or our own rows.</summary>
    public AddonProduct For(string productId) => services.GetRequiredKeyedService<AddonProduct>(productId);

    public ProductInfo? Info(string productId) => _byId.GetValueOrDefault(productId)?.Info;

    public IEnumerable<ProductInfo> All => _byId.Values.Select(r => r.Info);
}

public static class ProductServices
{
    /// <summary>Registers one product type under its id. Each product folder calls this from its own <c>AddXxx</c>.</summary>
    public static IServiceCollection AddProduct<TProduct>(this IServiceCollection services, ProductInfo info, Action<RouteGroupBuilder> mapDashboard,
        ProductConsole? console = null)
        where TProduct : AddonProduct
    {
        services.AddScoped<TProduct>(); // its own folder's jobs may ask for it by type
        services.AddKeyedScoped<AddonProduct>(info.Id, (sp, _) => sp.GetRequiredService<TProduct>());
        services.AddSingleton(new ProductRegistration(info, mapDashboard, console));
        services.AddSingleton(info);
        services.TryAddSingleton<ProductRegistry>();
        services.TryAddScoped<Products>();
        return services;
    }
}
