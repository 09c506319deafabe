namespace AddonProvider.Data.Entities;

/// <summary>
/// An image the customer uploaded for the publishing request (the app icon, the splash screen): the bytes live here,
/// beside the draft, and are served from our own route. Checked before it is stored (type from the bytes, size, dimensions).
/// One per (resource, kind); a new upload replaces the old one.
/// </summary>
public sealed class MobiLoudGraphic
{
    public Guid ResourceId { get; set; }

    /// <summary><c>icon</c> or <c>splash</c>.</summary>
    public required string Kind { get; set; }

    /// <summary><c>image/png</c> or <c>image/jpeg</c>, as read from the bytes (never the browser's claim).</summary>
    public required string ContentType { get; set; }

    public required byte[] Bytes { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public string? FileName { get; set; }
    public DateTime UploadedAt { get; set; }
}
