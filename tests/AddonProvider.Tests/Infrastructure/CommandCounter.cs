using System.Collections.Concurrent;
using System.Data.Common;
using AddonProvider.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace AddonProvider.Tests.Infrastructure;

/// <summary>
/// Records the SQL of every command the app's DbContext sends, so a test can count database look-ups (e.g. key
/// look-ups by <c>lookup_hash</c>) without touching the code under test. Added with <see cref="AddTo"/>.
/// </summary>
public sealed class CommandCounter : DbCommandInterceptor
{
    private readonly ConcurrentQueue<string> _sql = new();

    public void AddTo(IServiceCollection services) =>
        services.ConfigureDbContext<AddonDbContext>(o => o.AddInterceptors(this));

    public void Reset() => _sql.Clear();

    /// <summary>Commands whose SQL contains <paramref name="fragment"/> (case-insensitive), since the last reset.</summary>
    public int Count(string fragment) => _sql.Count(s => s.Contains(fragment, StringComparison.OrdinalIgnoreCase));

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        _sql.Enqueue(command.CommandText);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        _sql.Enqueue(command.CommandText);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        _sql.Enqueue(command.CommandText);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        _sql.Enqueue(command.CommandText);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        _sql.Enqueue(command.CommandText);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        _sql.Enqueue(command.CommandText);
        return ValueTask.FromResult(result);
    }
}
