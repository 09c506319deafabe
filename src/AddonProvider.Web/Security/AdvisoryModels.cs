using AddonProvider.Data.Entities;

namespace AddonProvider.Web.Security;

/// <summary>The body of POST/PUT /admin/advisories and of follow-ups (contract.md).</summary>
public sealed record AdvisoryInput(
    string? Title, string? Severity, List<string>? CveIds, string? Summary, string? Assessment, string? Mitigation,
    List<string>? Links, AffectedInput? Affected);

/// <summary>Who is affected. Every given criterion must hold; an empty or missing list restricts nothing.</summary>
public sealed record AffectedInput(
    bool? All, List<string>? Products, List<string>? Plans, List<string>? Regions,
    DateTime? ProvisionedFrom, DateTime? ProvisionedTo, List<Guid>? ResourceIds);

public sealed record AffectedView(bool All, IReadOnlyList<string> Products, IReadOnlyList<string> Plans, IReadOnlyList<string> Regions,
    DateTime? ProvisionedFrom, DateTime? ProvisionedTo, IReadOnlyList<Guid> ResourceIds);

public sealed record AdvisoryView(
    Guid Id, string Status, Guid? FollowUpOf, string Title, string Severity, IReadOnlyList<string> CveIds, string Summary,
    string Assessment, string Mitigation, IReadOnlyList<string> Links, AffectedView Affected, string CreatedBy, DateTime CreatedAt,
    DateTime UpdatedAt, string? PublishedBy, DateTime? PublishedAt)
{
    public static AdvisoryView Of(Advisory a) => new(
        a.Id, a.Status.ToString().ToLowerInvariant(), a.FollowUpOf, a.Title, a.Severity.ToString().ToLowerInvariant(), a.CveIds,
        a.Summary, a.Assessment, a.Mitigation, a.Links,
        new AffectedView(a.AffectsAll, a.AffectedProducts, a.AffectedPlans, a.AffectedRegions, a.ProvisionedFrom, a.ProvisionedTo, a.AffectedResourceIds),
        a.CreatedBy, a.CreatedAt, a.UpdatedAt, a.PublishedBy, a.PublishedAt);
}

public sealed record EmailPreview(string From, string To, string Subject, string Text);

public sealed record UnreachableResource(Guid Id, string Product, string Plan, string? Name);

/// <summary>`total`…`failed` count recipients (pending includes those being sent); `unreachable` counts resources with no known contact.</summary>
public sealed record AdvisoryProgress(int Total, int Pending, int Sent, int Failed, int Unreachable, IReadOnlyList<UnreachableResource> UnreachableResources);

/// <summary>Whom publishing would reach: affected resources, distinct recipient addresses, and resources with no contact.</summary>
public sealed record AdvisoryReach(int Resources, int Recipients, int Unreachable);

public sealed record FailedRecipient(long NotificationId, string Email, int Attempts, string? LastError);

/// <summary>The optional body of POST /admin/advisories/{id}/resend: which failed notifications; none or empty: all of them.</summary>
public sealed record ResendRequest(List<long>? NotificationIds);

public sealed record ResendResult(int Requeued);
