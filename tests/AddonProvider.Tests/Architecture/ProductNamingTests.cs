using System.Text.RegularExpressions;
using AddonProvider.Data.Catalog;
using AddonProvider.Web;

namespace AddonProvider.Tests.Architecture;

/// <summary>
/// No folder but a product's own and Catalog/ spells a product's id: not as a literal, not through
/// <c>CatalogDefinition</c>'s constants (the compiler copies those into their users as literals), not inside a config var
/// name such as <c>KAFKACLUSTER_URL</c>. Read from the web assembly's method bodies, const fields and attributes.
/// </summary>
public class ProductNamingTests
{
    [Fact]
    public void EveryProductTheAppSells_HasAFolderInThisTest() =>
        Assert.Equal(AddonProviderApp.Products.Select(p => p.Id).Order(), WebFolders.ProductIdToFolder.Keys.Order());

    [Fact]
    public void NoFolderButAProductsOwnAndCatalog_SpellsItsId()
    {
        var literals = StringLiterals.Of(typeof(AddonProviderApp).Assembly.Location);
        Assert.Contains(literals, l => l.Value == CatalogDefinition.KafkaCluster); // the scan sees constants at all

        var offending = new List<string>();
        foreach (var (id, folder) in WebFolders.ProductIdToFolder)
        {
            // The id as a word of its own, in any case: "kafkacluster", "KAFKACLUSTER_URL", "/dashboard/kafkacluster/".
            var spelled = new Regex($@"(?<![a-z0-9]){Regex.Escape(id)}(?![a-z0-9])", RegexOptions.IgnoreCase);
            offending.AddRange(literals
                .Where(l => WebFolders.Of(l.Namespace) is { } f && f != folder && f != "Catalog" && spelled.IsMatch(l.Value))
                .Select(l => $"{WebFolders.Of(l.Namespace)}/{l.Type} spells \"{id}\" in: {Shorten(l.Value)}")
                .Distinct());
        }
        Assert.True(offending.Count == 0, "Product ids outside their product's folder:\n" + string.Join('\n', offending));
    }

    private static string Shorten(string value)
    {
        var line = value.ReplaceLineEndings(" ");
        return line.Length <= 120 ? line : line[..117] + "...";
    }
}
