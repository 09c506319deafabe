namespace AddonProvider.Data.Entities;

/// <summary>
/// Where a resource's events go in the customer's app logs: the provision request's <c>log_input_url</c> (Logplex), which
/// carries a credential and is therefore stored encrypted with SECRETS_KEY. One row per resource that has one; the
/// shipping job's backoff lives here too, so a dead drain waits without holding anyone else up.
/// </summary>
public sealed class LogDrain
{
    public Guid ResourceId { get; set; }
    public required string UrlCiphertext { get; set; }

    /// <summary>Consecutive failed posts; 0 after a success.</summary>
    public int Failures { get; set; }

    /// <summary>No post before this (backoff after a failure); null: ship at the next run.</summary>
    public DateTime? RetryAt { get; set; }

    /// <summary>Why the last post failed: a status code or an exception type, never the URL.</summary>
    public string? LastError { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
