using AddonProvider.Data;
using AddonProvider.Data.Entities;

namespace AddonProvider.Web.Jobs;

public static class Outbox
{
    /// <summary>Adds a job to the caller's unit of work: it runs only if, and after, that work commits.</summary>
    public static void Enqueue(this AddonDbContext db, string kind, string argument, DateTime now) =>
        db.Outbox.Add(new OutboxMessage { Kind = kind, Argument = argument, CreatedAt = now });

    /// <summary>Like <see cref="Enqueue"/>, but the job runs no earlier than <paramref name="runAt"/>.</summary>
    public static void Schedule(this AddonDbContext db, string kind, string argument, DateTime runAt, DateTime now) =>
        db.Outbox.Add(new OutboxMessage { Kind = kind, Argument = argument, CreatedAt = now, RunAt = runAt });
}
