using AddonProvider.Data.Catalog;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Configuration;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Secrets;

namespace AddonProvider.Web.MobiLoud;

/// <summary>
/// MobiLoud's rules: no credential (the app's only config var is its dashboard URL), and a public app id the native
/// shell fetches its configuration by.
/// </summary>
public sealed class MobiLoudProduct(PublicUrls urls, PublishingService publishing) : AddonProduct
{
    public static readonly ProductInfo Facts = new(CatalogDefinition.MobiLoud, "MobiLoud", ["MOBILOUD_URL"], "mobiloud");

    public override ProductInfo Info => Facts;

    public override Failure? Prepare(NewResource provision)
    {
        provision.Resource.PublicAppId = "app_" + Tokens.RandomLower(20);
        return null;
    }

    public override IReadOnlyDictionary<string, string> RenderConfig(Resource resource, Credential? credential, string? plaintext = null) =>
        new Dictionary<string, string> { ["MOBILOUD_URL"] = urls.Combine($"dashboard/{resource.Id}") };

    /// <summary>The console's resource page links the publishing request, if the customer has started one.</summary>
    public override async Task<ConsoleNote?> ConsoleNoteAsync(Guid resourceId, CancellationToken ct) =>
        await publishing.FindAsync(resourceId, ct) is not { } s ? null
        : s.Status == SubmissionStatus.Submitted
            ? new ConsoleNote("Publishing request", $"Submitted {s.SubmittedAt:yyyy-MM-dd HH:mm} UTC; status {(s.Review ?? SubmissionReview.New).Name().Replace('_', ' ')}.", $"/console/mobiloud/{s.Id}")
            : new ConsoleNote("Publishing request", "A draft the customer is still editing.", $"/console/mobiloud/{s.Id}");

    public override string ReadyMessage(Resource resource, string productName) =>
        $"{productName} is ready: open it from your Heroku dashboard to build your app.";
}
