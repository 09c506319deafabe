using AddonProvider.Web.Errors;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Admin;

/// <summary>One page of a listing, with the total so a client knows how many pages there are.</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

public static class Paging
{
    public const int MaxPageSize = 200;
    /// <summary>Far beyond any listing we hold, and small enough that (page - 1) × pageSize never overflows.</summary>
    public const int MaxPage = 1_000_000;

    public static Failure? Check(int? page, int? pageSize) =>
        page is < 1 or > MaxPage ? Failure.BadRequest($"page must be between 1 and {MaxPage}.")
        : pageSize is < 1 or > MaxPageSize ? Failure.BadRequest($"pageSize must be between 1 and {MaxPageSize}.")
        : null;

    public static async Task<Paged<T>> ToPageAsync<T>(this IQueryable<T> ordered, int? page, int? pageSize, CancellationToken ct)
    {
        var (p, size) = (page ?? 1, pageSize ?? 50);
        var total = await ordered.CountAsync(ct);
        var items = await ordered.Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return new Paged<T>(items, p, size, total);
    }
}
