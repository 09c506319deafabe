using System.Globalization;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Errors;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.MobiLoud;

/// <summary>What one uploaded graphic must be. Checked from the bytes: the browser's file name and type are not believed.</summary>
public sealed record GraphicRule(string Kind, string Title, string[] ContentTypes, long MaxBytes, int Width, int Height, bool ExactSize)
{
    public string TypesText => ContentTypes.Length == 1 ? "a PNG" : "a PNG or JPEG";

    public string Requirements => ExactSize
        ? $"PNG, exactly {Width}×{Height} pixels, at most {AppGraphics.Size(MaxBytes)}"
        : $"PNG or JPEG, at least {Width}×{Height} pixels (portrait), at most {AppGraphics.Size(MaxBytes)}";

    public string Accept => string.Join(",", ContentTypes);
}

public sealed record GraphicInfo(string Kind, string ContentType, int Width, int Height, int Length, DateTime UploadedAt);

/// <summary>The publishing request's images: the app icon and the splash screen, stored with the draft in PostgreSQL.</summary>
public sealed class AppGraphics(AddonDbContext db, TimeProvider clock)
{
    public const long MiB = 1024 * 1024;

    public static readonly GraphicRule Icon = new("icon", "App icon", [ImageHeader.Png], 1 * MiB, 1024, 1024, ExactSize: true);
    public static readonly GraphicRule Splash = new("splash", "Splash screen", [ImageHeader.Png, ImageHeader.Jpeg], 2 * MiB, 1242, 2688, ExactSize: false);
    public static readonly GraphicRule[] All = [Icon, Splash];

    /// <summary>
    /// The body limit of the upload route: the largest file plus room for the multipart framing and the antiforgery field.
    /// An icon over its own 1 MB still reaches the check below and gets a message naming the icon's limit.
    /// </summary>
    public const long UploadBodyLimit = 2 * MiB + 64 * 1024;

    public static GraphicRule? Rule(string kind) => All.FirstOrDefault(r => r.Kind == kind);

    public static string Size(long bytes) => bytes >= MiB
        ? (bytes % MiB == 0 ? $"{bytes / MiB} MB" : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)MiB:0.##} MB"))
        : $"{Math.Max(1, bytes / 1024)} KB";

    /// <summary>The header of an acceptable file, or the customer-facing reason it is refused (then nothing is stored).</summary>
    public static (ImageHeader? Image, string? Error) Check(GraphicRule rule, ReadOnlySpan<byte> bytes, long declaredLength)
    {
        var title = rule.Title.ToLowerInvariant();
        if (declaredLength == 0) return (null, $"Choose a file for the {title} first.");
        if (declaredLength > rule.MaxBytes)
        {
            var shown = Size(declaredLength) is var rounded && rounded != Size(rule.MaxBytes) ? rounded : declaredLength.ToString("N0", CultureInfo.InvariantCulture) + " bytes";
            return (null, $"The {title} is {shown}; it must be at most {Size(rule.MaxBytes)} ({rule.MaxBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes). Nothing was saved.");
        }
        var image = ImageHeader.Read(bytes);
        if (image is null) return (null, $"The file for the {title} is not {rule.TypesText} image (its contents are not a PNG or JPEG). Nothing was saved.");
        if (!rule.ContentTypes.Contains(image.ContentType))
            return (null, $"The {title} must be {rule.TypesText}; this file is a {(image.ContentType == ImageHeader.Jpeg ? "JPEG" : "PNG")}. Nothing was saved.");
        var fits = rule.ExactSize ? image.Width == rule.Width && image.Height == rule.Height : image.Width >= rule.Width && image.Height >= rule.Height;
        if (!fits)
            return (null, $"The {title} must be {(rule.ExactSize ? "exactly" : "at least")} {rule.Width}×{rule.Height} pixels; this image is {image.Width}×{image.Height}. Nothing was saved.");
        return (image, null);
    }

    public Task<List<GraphicInfo>> ListAsync(Guid resourceId, CancellationToken ct) =>
        db.MobiLoudGraphics.AsNoTracking().Where(g => g.ResourceId == resourceId)
            .Select(g => new GraphicInfo(g.Kind, g.ContentType, g.Width, g.Height, g.Bytes.Length, g.UploadedAt)).ToListAsync(ct);

    public Task<MobiLoudGraphic?> FindAsync(Guid resourceId, string kind, CancellationToken ct) =>
        db.MobiLoudGraphics.AsNoTracking().FirstOrDefaultAsync(g => g.ResourceId == resourceId && g.Kind == kind, ct);

    /// <summary>
    /// Stores (or replaces) a checked image while the request is a draft. The draft row is locked first, so a submit
    /// running at the same moment either sees this image or has already frozen the request, which refuses it.
    /// </summary>
    public async Task<Failure?> SaveAsync(Guid resourceId, GraphicRule rule, ImageHeader image, byte[] bytes, string? fileName, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var status = await db.Database.SqlQuery<string>($"SELECT status AS \"Value\" FROM mobiloud_submissions WHERE resource_id = {resourceId} FOR UPDATE")
            .ToListAsync(ct);
        if (status.Count == 0) return Failure.Conflict("Start the app submission first.");
        if (status[0] != "draft") return Failure.Conflict(PublishingService.AlreadySubmitted);
        var name = fileName is { Length: > 0 } f ? Path.GetFileName(f)[..Math.Min(255, Path.GetFileName(f).Length)] : null;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO mobiloud_graphics (resource_id, kind, content_type, bytes, width, height, file_name, uploaded_at)
            VALUES ({resourceId}, {rule.Kind}, {image.ContentType}, {bytes}, {image.Width}, {image.Height}, {name}, {clock.GetUtcNow().UtcDateTime})
            ON CONFLICT (resource_id, kind) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes,
                width = excluded.width, height = excluded.height, file_name = excluded.file_name, uploaded_at = excluded.uploaded_at
            """, ct);
        await tx.CommitAsync(ct);
        return null;
    }
}
