using AddonProvider.Data.Catalog;

namespace AddonProvider.Tests.Architecture;

/// <summary>The web project's feature folders: a folder is a namespace <c>AddonProvider.Web.&lt;Folder&gt;</c> with everything below it.</summary>
public static class WebFolders
{
    /// <summary>The folder of a namespace; null for the table of contents (<c>AddonProvider.Web</c> itself) and code outside the web project.</summary>
    public static string? Of(string? ns) =>
        ns?.StartsWith("AddonProvider.Web.", StringComparison.Ordinal) == true ? ns["AddonProvider.Web.".Length..].Split('.')[0] : null;

    /// <summary>Each product's id and the folder that owns it.</summary>
    public static readonly IReadOnlyDictionary<string, string> ProductIdToFolder = new Dictionary<string, string>
    {
        [CatalogDefinition.MobiLoud] = "MobiLoud",
        [CatalogDefinition.KafkaCluster] = "Kafka",
        [CatalogDefinition.Inference] = "Inference",
    };

    public static TheoryData<string> Products => [.. ProductIdToFolder.Values];
}
