using System.Text.RegularExpressions;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Provisioning;

namespace AddonProvider.Web.Security;

/// <summary>Turns an advisory body into entity fields, or a 422 naming the first field that is wrong.</summary>
public static partial class AdvisoryValidation
{
    [GeneratedRegex(@"^CVE-\d{4}-\d{4,}$")]
    private static partial Regex CveId();

    public static Failure? Apply(AdvisoryInput input, Advisory target, CatalogSnapshot catalog)
    {
        if (string.IsNullOrWhiteSpace(input.Title)) return Invalid("title", "is required");
        if (input.Title.Trim().Length > 200) return Invalid("title", "must be at most 200 characters");
        // Exact names only: Enum.TryParse would also take "1" or "low,high".
        if (Enum.GetNames<AdvisorySeverity>().FirstOrDefault(n => n.Equals(input.Severity?.Trim(), StringComparison.OrdinalIgnoreCase)) is not { } severityName)
            return Invalid("severity", "must be one of low, medium, high, critical");
        var cves = (input.CveIds ?? []).Select(c => c?.Trim().ToUpperInvariant() ?? "").ToList();
        if (cves.FirstOrDefault(c => !CveId().IsMatch(c)) is { } badCve) return Invalid("cveIds", $"'{badCve}' is not a CVE id such as CVE-2026-12345");
        foreach (var (name, value) in new[] { ("summary", input.Summary), ("assessment", input.Assessment), ("mitigation", input.Mitigation) })
            if (value is { Length: > 10_000 }) return Invalid(name, "must be at most 10,000 characters");
        var links = input.Links ?? [];
        if (links.FirstOrDefault(l => !Uri.TryCreate(l, UriKind.Absolute, out var u) || u.Scheme is not ("https" or "http")) is { } badLink)
            return Invalid("links", $"'{badLink}' is not an absolute http(s) URL");

        var affected = input.Affected ?? new AffectedInput(null, null, null, null, null, null, null);
        var products = (affected.Products ?? []).Select(p => p?.Trim().ToLowerInvariant() ?? "").Distinct().ToList();
        if (products.FirstOrDefault(p => catalog.Product(p) is null) is { } badProduct)
            return Invalid("affected.products", $"'{badProduct}' is not a product ({string.Join(", ", catalog.ProductIds)})");
        var plans = (affected.Plans ?? []).Select(p => p?.Trim().ToLowerInvariant() ?? "").Distinct().ToList();
        foreach (var plan in plans)
        {
            var parts = plan.Split(':');
            if (parts.Length != 2 || catalog.Plan(parts[0], parts[1]) is null)
                return Invalid("affected.plans", $"'{plan}' is not a known plan written as product:plan, e.g. {Example(catalog)}");
        }
        var regions = (affected.Regions ?? []).Select(r => r?.Trim().ToLowerInvariant() ?? "").Distinct().ToList();
        if (regions.FirstOrDefault(r => !Regions.Supported.Contains(r)) is { } badRegion)
            return Invalid("affected.regions", $"'{badRegion}' is not a region (us, eu)");
        var from = affected.ProvisionedFrom?.ToUniversalTime();
        var to = affected.ProvisionedTo?.ToUniversalTime();
        if (from > to) return Invalid("affected.provisionedTo", "must not be before provisionedFrom");

        target.Title = input.Title.Trim();
        target.Severity = Enum.Parse<AdvisorySeverity>(severityName);
        target.CveIds = cves.Distinct().ToList();
        target.Summary = input.Summary?.Trim() ?? "";
        target.Assessment = input.Assessment?.Trim() ?? "";
        target.Mitigation = input.Mitigation?.Trim() ?? "";
        target.Links = links.Distinct().ToList();
        target.AffectsAll = affected.All ?? false;
        target.AffectedProducts = products;
        target.AffectedPlans = plans;
        target.AffectedRegions = regions;
        target.ProvisionedFrom = from;
        target.ProvisionedTo = to;
        target.AffectedResourceIds = (affected.ResourceIds ?? []).Distinct().ToList();
        return null;
    }

    /// <summary>What publishing needs beyond a valid draft: the customer-facing text, and an explicit audience.</summary>
    public static Failure? Publishable(Advisory a)
    {
        if (a.Summary.Length == 0) return Invalid("summary", "is required to publish");
        if (a.Assessment.Length == 0) return Invalid("assessment", "is required to publish: tell customers how to check whether they are exposed");
        if (a.Mitigation.Length == 0) return Invalid("mitigation", "is required to publish: tell customers what to do");
        var hasCriterion = a.AffectedProducts.Count > 0 || a.AffectedPlans.Count > 0 || a.AffectedRegions.Count > 0
            || a.ProvisionedFrom is not null || a.ProvisionedTo is not null || a.AffectedResourceIds.Count > 0;
        if (!hasCriterion && !a.AffectsAll)
            return Invalid("affected", "needs at least one criterion (products, plans, regions, provisionedFrom/To, resourceIds) or all: true to publish");
        return null;
    }

    private static Failure Invalid(string field, string problem) => Failure.Unprocessable($"{field} {problem}.");

    private static string Example(CatalogSnapshot catalog) =>
        catalog.ProductIds.Select(id => catalog.PlansOf(id).FirstOrDefault()).FirstOrDefault(p => p is not null) is { } plan
            ? $"{plan.ProductId}:{plan.Slug}" : "product:plan";
}
