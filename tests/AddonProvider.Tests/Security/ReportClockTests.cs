using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Security;

namespace AddonProvider.Tests.Security;

/// <summary>SECURITY.md's "What we promise" table as <see cref="ReportClock"/> computes it (2026-11-27 is a Friday).</summary>
public sealed class ReportClockTests
{
    private static DateTime Utc(string s) => DateTime.SpecifyKind(DateTime.Parse(s, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    [Theory]
    // severity, filed, acknowledge by, fix-or-mitigate by
    [InlineData("critical", "2026-11-27 16:00", "2026-11-27 20:00", "2026-11-28 16:00")] // hours, weekends included
    [InlineData("high", "2026-11-27 16:00", "2026-11-30 16:00", "2026-12-04 16:00")]     // Friday 16:00 + 1 business day = Monday 16:00
    [InlineData("medium", "2026-11-27 16:00", "2026-12-01 16:00", "2026-12-27 16:00")]
    [InlineData("low", "2026-11-27 16:00", "2026-12-04 16:00", "2027-02-25 16:00")]
    [InlineData("high", "2026-11-25 09:30", "2026-11-26 09:30", "2026-12-02 09:30")]     // a plain weekday
    [InlineData("medium", "2026-11-26 09:30", "2026-11-30 09:30", "2026-12-26 09:30")]   // Thursday + 2 = Monday
    [InlineData("critical", "2026-11-28 22:00", "2026-11-29 02:00", "2026-11-29 22:00")] // a weekend filing: critical runs in hours
    public void Deadlines_FollowTheTable(string severity, string filed, string acknowledgeBy, string resolveBy)
    {
        var (ack, resolve) = ReportClock.DeadlinesFor(Utc(filed), Enum.Parse<AdvisorySeverity>(severity, ignoreCase: true));
        Assert.Equal((Utc(acknowledgeBy), Utc(resolveBy)), (ack, resolve));
    }

    [Theory]
    // A weekend filing starts the business-day clock on Monday 00:00 UTC.
    [InlineData("2026-11-28 10:00", 1, "2026-12-01 00:00")] // Saturday
    [InlineData("2026-11-29 23:59", 1, "2026-12-01 00:00")] // Sunday
    [InlineData("2026-11-28 00:00", 5, "2026-12-05 00:00")] // Saturday + 5 = the next Saturday 00:00, the end of Friday
    [InlineData("2026-11-27 00:00", 1, "2026-11-28 00:00")] // Friday 00:00 + 1 = the end of Friday
    [InlineData("2026-11-27 23:00", 2, "2026-12-01 23:00")] // Friday 23:00: 1 h on Friday, then Monday and 23 h of Tuesday
    [InlineData("2026-11-30 00:00", 10, "2026-12-12 00:00")] // two full weeks
    [InlineData("2026-11-25 12:00", 0, "2026-11-25 12:00")]
    public void BusinessDays_AreMondayToFridayUtc(string start, int days, string due) =>
        Assert.Equal(Utc(due), ReportClock.AddBusinessDays(Utc(start), days));

    [Fact]
    public void Untriaged_CountsAsCritical()
    {
        var filed = Utc("2026-11-27 16:00");
        Assert.Equal(ReportClock.DeadlinesFor(filed, AdvisorySeverity.Critical), ReportClock.DeadlinesFor(filed, null));
        Assert.Equal(AdvisorySeverity.Critical, ReportClock.Effective(null));
    }

    private static SecurityReport Report(DateTime filed, AdvisorySeverity? severity = null, SecurityReportStatus status = SecurityReportStatus.New, DateTime? acknowledgedAt = null)
    {
        var (ack, resolve) = ReportClock.DeadlinesFor(filed, severity);
        return new SecurityReport
        {
            Id = Guid.NewGuid(), ReporterEmail = "r@example.com", Text = "t", CreatedAt = filed, UpdatedAt = filed, Status = status,
            Severity = severity, AcknowledgeBy = ack, ResolveBy = resolve, AcknowledgedAt = acknowledgedAt,
        };
    }

    [Fact]
    public void Evaluate_AnUnansweredReport_IsOverdueOnlyAfterItsAcknowledgeDeadline()
    {
        var filed = Utc("2026-11-27 16:00");
        var clock = new TestClock(filed.AddHours(4));
        var deadlines = new ReportClock(clock);
        var report = Report(filed);
        Assert.False(deadlines.Evaluate(report).Overdue); // exactly at the deadline: still within it

        clock.Now = clock.Now.AddSeconds(1);
        var late = deadlines.Evaluate(report);
        Assert.Equal((true, false, true), (late.AcknowledgeOverdue, late.ResolveOverdue, late.Overdue));
        Assert.Equal(["acknowledge"], late.OverdueDeadlines);

        clock.Now = filed.AddHours(25);
        Assert.Equal(["acknowledge", "resolve"], deadlines.Evaluate(report).OverdueDeadlines);
    }

    [Fact]
    public void Evaluate_AReplyMeetsTheAcknowledgeDeadline_AndResolvedOrRejectedTheOther()
    {
        var filed = Utc("2026-11-27 16:00");
        var deadlines = new ReportClock(new TestClock(filed.AddDays(2)));
        Assert.Equal(["resolve"], deadlines.Evaluate(Report(filed, acknowledgedAt: filed.AddHours(1))).OverdueDeadlines);
        Assert.Equal(["resolve"], deadlines.Evaluate(Report(filed, status: SecurityReportStatus.Triaged, acknowledgedAt: filed.AddHours(5))).OverdueDeadlines);
        Assert.False(deadlines.Evaluate(Report(filed, status: SecurityReportStatus.Resolved, acknowledgedAt: filed.AddHours(1))).Overdue);
        Assert.False(deadlines.Evaluate(Report(filed, status: SecurityReportStatus.Rejected, acknowledgedAt: filed.AddHours(1))).Overdue);
        // Resolving without any reply still leaves the acknowledgement owed.
        Assert.Equal(["acknowledge"], deadlines.Evaluate(Report(filed, status: SecurityReportStatus.Resolved)).OverdueDeadlines);
    }

    [Fact]
    public void Evaluate_ASeveritySetAtTriage_MovesBothDeadlines()
    {
        var filed = Utc("2026-11-27 16:00"); // Friday
        var deadlines = new ReportClock(new TestClock(Utc("2026-11-28 17:00"))); // Saturday 17:00
        Assert.Equal(["acknowledge", "resolve"], deadlines.Evaluate(Report(filed)).OverdueDeadlines); // untriaged: critical
        var high = deadlines.Evaluate(Report(filed, AdvisorySeverity.High));
        Assert.False(high.Overdue);
        Assert.Equal((Utc("2026-11-30 16:00"), Utc("2026-12-04 16:00")), (high.AcknowledgeBy, high.ResolveBy));
    }
}
