using AddonProvider.Data.Entities;

namespace AddonProvider.Web.Security;

/// <summary>The two deadlines of a report and which of them are unmet and past at a given moment.</summary>
public sealed record ReportDeadlines(DateTime AcknowledgeBy, DateTime ResolveBy, bool AcknowledgeOverdue, bool ResolveOverdue)
{
    public bool Overdue => AcknowledgeOverdue || ResolveOverdue;

    /// <summary>The names of the overdue deadlines, as the API spells them.</summary>
    public IReadOnlyList<string> OverdueDeadlines =>
        [.. AcknowledgeOverdue ? new[] { ReportClock.Acknowledge } : [], .. ResolveOverdue ? new[] { ReportClock.Resolve } : []];
}

/// <summary>
/// SECURITY.md's "What we promise" as arithmetic. Acknowledge within: critical 4 hours; high 1, medium 2, low 5 business
/// days — met only by an operator's reply. Fix or mitigate within: critical 24 hours, high 7, medium 30, low 90 calendar
/// days — met when the report is resolved (or rejected: nothing to fix). An untriaged report counts as critical.
/// Business days are Monday–Friday UTC, counted as 24-hour stretches of weekday time: a report filed Friday 16:00 with one
/// business day is due Monday 16:00; one filed on a weekend starts its clock Monday 00:00 (due Tuesday 00:00 for one day).
/// </summary>
public sealed class ReportClock(TimeProvider time)
{
    public const string Acknowledge = "acknowledge";
    public const string Resolve = "resolve";

    public static AdvisorySeverity Effective(AdvisorySeverity? severity) => severity ?? AdvisorySeverity.Critical;

    public static (DateTime AcknowledgeBy, DateTime ResolveBy) DeadlinesFor(DateTime filedAt, AdvisorySeverity? severity)
    {
        var filed = DateTime.SpecifyKind(filedAt, DateTimeKind.Utc);
        return Effective(severity) switch
        {
            AdvisorySeverity.Critical => (filed.AddHours(4), filed.AddHours(24)),
            AdvisorySeverity.High => (AddBusinessDays(filed, 1), filed.AddDays(7)),
            AdvisorySeverity.Medium => (AddBusinessDays(filed, 2), filed.AddDays(30)),
            _ => (AddBusinessDays(filed, 5), filed.AddDays(90)),
        };
    }

    /// <summary>The moment <paramref name="days"/> × 24 hours of Monday–Friday (UTC) time have passed since <paramref name="start"/>.</summary>
    public static DateTime AddBusinessDays(DateTime start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var t = DateTime.SpecifyKind(start, DateTimeKind.Utc);
        if (IsWeekend(t)) t = NextMonday(t);
        var remaining = TimeSpan.FromDays(days);
        while (true)
        {
            var weekEnd = t.Date.AddDays(DayOfWeek.Saturday - t.DayOfWeek); // Saturday 00:00 closes this stretch
            if (t + remaining <= weekEnd) return t + remaining;
            remaining -= weekEnd - t;
            t = weekEnd.AddDays(2);
        }
    }

    /// <summary>The report's deadlines now (from the injected clock).</summary>
    public ReportDeadlines Evaluate(SecurityReport report)
    {
        var (computedAck, computedResolve) = DeadlinesFor(report.CreatedAt, report.Severity);
        var (ackBy, resolveBy) = (report.AcknowledgeBy ?? computedAck, report.ResolveBy ?? computedResolve);
        var now = time.GetUtcNow().UtcDateTime;
        return new ReportDeadlines(ackBy, resolveBy,
            AcknowledgeOverdue: report.AcknowledgedAt is null && now > ackBy,
            ResolveOverdue: !IsClosed(report.Status) && now > resolveBy);
    }

    public static bool IsClosed(SecurityReportStatus status) => status is SecurityReportStatus.Resolved or SecurityReportStatus.Rejected;

    private static bool IsWeekend(DateTime t) => t.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    private static DateTime NextMonday(DateTime t) => t.Date.AddDays(t.DayOfWeek == DayOfWeek.Saturday ? 2 : 1);
}
