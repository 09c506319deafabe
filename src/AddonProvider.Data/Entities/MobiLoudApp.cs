namespace AddonProvider.Data.Entities;

/// <summary>A MobiLoud resource's app: the customer's website and the shell configuration (one JSON document).</summary>
public sealed class MobiLoudApp
{
    public Guid ResourceId { get; set; }
    public required string WebsiteUrl { get; set; }

    /// <summary>The configuration document (jsonb); its shape and rules live in the web project's MobiLoud folder.</summary>
    public required string ConfigJson { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>xmin: a dashboard edit carries the version it started from and is refused when it is stale.</summary>
    public uint Version { get; set; }
}
