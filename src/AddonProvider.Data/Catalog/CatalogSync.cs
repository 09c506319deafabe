using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Data.Catalog;

/// <summary>Writes <see cref="CatalogDefinition"/> into the database. Idempotent: running it twice changes nothing.</summary>
public static class CatalogSync
{
    public static async Task<int> SyncAsync(AddonDbContext db, CancellationToken ct = default)
    {
        var models = await db.InferenceModels.ToDictionaryAsync(m => m.Id, ct);
        foreach (var wanted in CatalogDefinition.Models)
        {
            if (!models.TryGetValue(wanted.Id, out var row))
                db.InferenceModels.Add(row = new InferenceModel { Id = wanted.Id, Kind = wanted.Kind, Regions = wanted.Regions });
            row.Kind = wanted.Kind;
            if (!row.Regions.SequenceEqual(wanted.Regions)) row.Regions = wanted.Regions;
            row.RequestsPerMinute = wanted.RequestsPerMinute;
            row.TokensPerMinute = wanted.TokensPerMinute;
        }

        var products = await db.Products.Include(p => p.Plans).ToDictionaryAsync(p => p.Id, ct);
        foreach (var wanted in CatalogDefinition.Products)
        {
            if (!products.TryGetValue(wanted.Id, out var product))
                db.Products.Add(product = new Product { Id = wanted.Id, Name = wanted.Name, ConfigVarPrefix = wanted.ConfigVarPrefix });
            product.Name = wanted.Name;
            product.ConfigVarPrefix = wanted.ConfigVarPrefix;

            // Plans are never deleted here: resources may still be on a retired plan.
            foreach (var plan in wanted.Plans)
            {
                var row = product.Plans.FirstOrDefault(p => p.Slug == plan.Slug);
                if (row is null)
                    product.Plans.Add(row = new Plan { ProductId = plan.ProductId, Slug = plan.Slug, Name = plan.Name });
                row.Name = plan.Name;
                row.SortOrder = plan.SortOrder;
                row.PriceCentsPerMonth = plan.PriceCentsPerMonth;
                row.CanPublish = plan.CanPublish;
                row.ProduceQuotaKbps = plan.ProduceQuotaKbps;
                row.ConsumeQuotaKbps = plan.ConsumeQuotaKbps;
                row.MaxTopics = plan.MaxTopics;
                row.MaxPartitionsPerTopic = plan.MaxPartitionsPerTopic;
                row.MaxConsumerGroups = plan.MaxConsumerGroups;
                row.MaxRetentionHours = plan.MaxRetentionHours;
                row.ModelId = plan.ModelId;
            }
        }
        return await db.SaveChangesAsync(ct);
    }
}
