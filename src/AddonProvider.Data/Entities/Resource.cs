namespace AddonProvider.Data.Entities;

/// <summary>One Heroku add-on resource. <see cref="Id"/> is Heroku's uuid, which we also return as `id`.</summary>
public sealed class Resource
{
    public Guid Id { get; set; }
    public required string ProductId { get; set; }
    public required string PlanSlug { get; set; }

    /// <summary>The plan of the first provision request; a retried provision is compared with this, not the current plan.</summary>
    public required string OriginalPlanSlug { get; set; }

    public required string Region { get; set; }
    public string? HerokuRegion { get; set; }
    public string? Name { get; set; }
    public string? CallbackUrl { get; set; }
    public string? HerokuId { get; set; }

    /// <summary>The inference model this resource defaults to (`INFERENCE_MODEL_ID`).</summary>
    public string? ModelId { get; set; }

    /// <summary>A public, non-guessable id for MobiLoud's app-config endpoint (never the Heroku uuid).</summary>
    public string? PublicAppId { get; set; }

    public ResourceState State { get; set; }
    public string? OwnerEmail { get; set; }
    public DateTime? OwnerEmailRefreshedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? DeprovisionedAt { get; set; }
    public DateTime? PurgedAt { get; set; }

    /// <summary>
    /// Set while an operator has suspended the resource (abuse, non-payment): its keys and credentials are refused and its
    /// dashboard is read-only. Not a lifecycle state: Heroku's plan changes and deprovision still apply to a suspended
    /// resource, and every check for <see cref="ResourceState.Provisioned"/> keeps its meaning.
    /// </summary>
    public DateTime? SuspendedAt { get; set; }
    public string? SuspensionReason { get; set; }
    public string? SuspendedBy { get; set; }

    /// <summary>Suspended and still provisioned; a deprovisioned resource is deprovisioned, whatever it was before.</summary>
    public bool IsSuspended => SuspendedAt is not null && State == ResourceState.Provisioned;

    /// <summary>Set when an operator turned usage warnings off for this resource; null: warnings on.</summary>
    public DateTime? UsageWarningsDisabledAt { get; set; }

    public uint Version { get; set; }
}

public enum ResourceState { Provisioning, Provisioned, Deprovisioned, Failed }
