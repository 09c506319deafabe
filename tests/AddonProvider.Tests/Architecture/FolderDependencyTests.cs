using System.Reflection;
using System.Text.RegularExpressions;
using AddonProvider.Data;
using AddonProvider.Web;
using ArchUnitNET.Fluent;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using Compiled = ArchUnitNET.Domain.Architecture;

namespace AddonProvider.Tests.Architecture;

/// <summary>
/// Which way the references between our projects and the web project's feature folders may point, read from the
/// compiled assemblies (signatures, attributes and method bodies), so a reference cannot hide in a lambda or a local.
/// A folder is a namespace <c>AddonProvider.Web.&lt;Folder&gt;</c> with its sub-namespaces.
/// </summary>
public class FolderDependencyTests
{
    private static readonly Lazy<Compiled> Assemblies = new(() => new ArchLoader().LoadAssemblies(
        typeof(AddonProviderApp).Assembly, typeof(AddonDbContext).Assembly, Assembly.Load("AddonProvider.Simulator")).Build());

    [Fact]
    public void Data_ReferencesNeitherTheWebProjectNorAspNetHosting() =>
        // The Data Protection key ring's table is one of ours (IDataProtectionKeyContext); that storage contract is the
        // one ASP.NET namespace the data project may use: it carries no hosting, routing or HTTP.
        NoReferences(Under("AddonProvider.Data"),
            Under("AddonProvider.Web"), @"^Microsoft\.AspNetCore(?!\.DataProtection(\.|$))(\..+)?$", Under("Microsoft.Extensions.Hosting"));

    [Fact]
    public void Simulator_ReferencesNeitherWebNorData() =>
        NoReferences(Under("AddonProvider.Simulator"), Under("AddonProvider.Web"), Under("AddonProvider.Data"));

    /// <summary>Provisioning is the protocol only: it reaches products through the seam, and Heroku and SSO not at all.</summary>
    [Theory]
    [InlineData("MobiLoud")]
    [InlineData("Kafka")]
    [InlineData("Inference")]
    [InlineData("Heroku")]
    [InlineData("Sso")]
    public void Provisioning_DoesNotReference(string folder) =>
        NoReferences(Folder("Provisioning"), Folder(folder));

    /// <summary>Heroku/ is outbound only (OAuth, Platform API): what Heroku presents to us (Basic auth, SSO salts) is Provisioning's.</summary>
    [Fact]
    public void OutboundHeroku_DoesNotReferenceTheInboundProtocol() =>
        NoReferences(Folder("Heroku"), Folder("Provisioning"));

    /// <summary>A product's types are named only in its own folder, in Catalog/ and in the table of contents (AddonProviderApp).</summary>
    [Theory]
    [MemberData(nameof(WebFolders.Products), MemberType = typeof(WebFolders))]
    public void OnlyItsOwnFolderAndCatalog_NameAProductsTypes(string product) =>
        NoReferences($@"^AddonProvider\.Web\.(?!(?:{product}|Catalog)(\.|$))\w+(\..+)?$", Folder(product));

    /// <summary>
    /// Folder by folder, with sub-namespaces folded into their folder (ArchUnitNET's own slices would make
    /// <c>Security.Mail</c> a slice apart from <c>Security</c> and miss a cycle through both). Each cycle is reported as its
    /// path, with the type references behind every step.
    /// </summary>
    [Fact]
    public void FeatureFolders_HaveNoCycles()
    {
        var references = new Dictionary<(string From, string To), SortedSet<string>>();
        foreach (var type in Types().That().ResideInNamespaceMatching(Under("AddonProvider.Web")).GetObjects(Assemblies.Value))
        {
            if (WebFolders.Of(type.Namespace.FullName) is not { } from) continue;
            foreach (var dependency in type.Dependencies)
                if (WebFolders.Of(dependency.Target.Namespace?.FullName) is { } to && to != from)
                {
                    if (!references.TryGetValue((from, to), out var why)) references[(from, to)] = why = [];
                    why.Add($"{type.FullName} -> {dependency.Target.FullName}");
                }
        }
        Assert.Contains(("Provisioning", "Catalog"), references.Keys); // the scan sees references between folders at all

        var cycles = FolderCycles.Find(references.Keys);
        Assert.True(cycles.Count == 0, string.Join("\n", cycles.Select(cycle =>
            "Cycle " + string.Join(" -> ", cycle.Append(cycle[0])) + "\n" + string.Join("\n", cycle.Select((from, i) =>
            {
                var to = cycle[(i + 1) % cycle.Count];
                return $"  {from} -> {to}: " + string.Join("; ", references[(from, to)].Take(3));
            })))));
    }

    /// <summary>
    /// Fails on any type in <paramref name="from"/> that references a type in one of <paramref name="forbidden"/> (external
    /// types included). Both sides must exist, so a renamed folder fails here instead of turning the rule into a no-op.
    /// </summary>
    private static void NoReferences(string from, params string[] forbidden)
    {
        var architecture = Assemblies.Value;
        Assert.True(Types().That().ResideInNamespaceMatching(from).GetObjects(architecture).Any(), $"No type matches {from}.");
        foreach (var target in forbidden.Where(t => !t.StartsWith("^Microsoft", StringComparison.Ordinal)))
            Assert.True(Types().That().ResideInNamespaceMatching(target).GetObjects(architecture).Any(), $"No type matches {target}.");

        var targets = Types(true).That().ResideInNamespaceMatching(string.Join('|', forbidden.Select(t => $"(?:{t})")));
        Types().That().ResideInNamespaceMatching(from).Should().NotDependOnAny(targets).Check(architecture);
    }

    private static string Folder(string name) => Under("AddonProvider.Web." + name);

    /// <summary>A namespace and everything below it, as a regular expression.</summary>
    private static string Under(string ns) => $@"^{Regex.Escape(ns)}(\..+)?$";
}
