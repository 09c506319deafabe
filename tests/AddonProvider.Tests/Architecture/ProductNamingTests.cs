using System.Text.RegularExpressions;
using AddonProvider.Data.Catalog;
using AddonProvider.Web;

namespace AddonProvider.Tests.Architecture;

/// <summary>The product folders of the web project, with the id each one owns.</summary>
public static class ProductFolders
{
    public static readonly IReadOnlyDictionary<string, string> IdToFolder = new Dictionary<string, string>
    {
        [CatalogDefinition.MobiLoud] = "MobiLoud",
        [CatalogDefinition.KafkaCluster] = "Kafka",
        [CatalogDefinition.Inference] = "Inference",
    };

    public static TheoryData<string> Names => [.. IdToFolder.Values];
}

/// <summary>
/// No folder but a product's own and Catalog/ spells a product's id: not as a literal, not through
/// <c>CatalogDefinition</c>'s constants (the compiler copies those into their users as literals), not inside a config var
/// name such as <c>KAFKACLUSTER_URL</c>. Read from the web assembly's method bodies, const fields and attributes.
/// </summary>
public class ProductNamingTests
{
    [Fact]
    public void EveryProductTheAppSells_HasAFolderInThisTest() =>
        Assert.Equal(AddonProviderApp.Products.Select(p => p.Id).Order(), ProductFolders.IdToFolder.Keys.Order());

    [Fact]
    public void NoFolderButAProductsOwnAndCatalog_SpellsItsId()
    {
        var literals = StringLiterals.Of(typeof(AddonProviderApp).Assembly.Location);
        Assert.Contains(literals, l => l.Value == CatalogDefinition.KafkaCluster); // the scan sees constants at all

        var offending = new List<string>();
        foreach (var (id, folder) in ProductFolders.IdToFolder)
        {
            // The id as a word of its own, in any case: "kafkacluster", "KAFKACLUSTER_URL", "/dashboard/kafkacluster/".
            var spelled = new Regex($@"(?<![a-z0-9]){Regex.Escape(id)}(?![a-z0-9])", RegexOptions.IgnoreCase);
            offending.AddRange(literals
                .Where(l => FolderOf(l.Namespace) is { } f && f != folder && f != "Catalog" && spelled.IsMatch(l.Value))
                .Select(l => $"{FolderOf(l.Namespace)}/{l.Type} spells \"{id}\" in: {Shorten(l.Value)}")
                .Distinct());
        }
        Assert.True(offending.Count == 0, "Product ids outside their product's folder:\n" + string.Join('\n', offending));
    }

    /// <summary>The feature folder of a namespace; null for the table of contents (AddonProvider.Web itself) and non-web code.</summary>
    private static string? FolderOf(string ns) =>
        ns.StartsWith("AddonProvider.Web.", StringComparison.Ordinal) ? ns["AddonProvider.Web.".Length..].Split('.')[0] : null;

    private static string Shorten(string value)
    {
        var line = value.ReplaceLineEndings(" ");
        return line.Length <= 120 ? line : line[..117] + "...";
    }
}
