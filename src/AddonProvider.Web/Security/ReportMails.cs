using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Jobs;

namespace AddonProvider.Web.Security;

/// <summary>Writes a report's mail and, once it has an id, the job that sends it — both in the caller's transaction.</summary>
public static class ReportMails
{
    public static SecurityReportMail Add(AddonDbContext db, Guid reportId, SecurityReportMailKind kind, DateTime? deadline, DateTime now)
    {
        var mail = new SecurityReportMail { ReportId = reportId, Kind = kind, Deadline = deadline, Status = NotificationStatus.Pending, CreatedAt = now };
        db.SecurityReportMails.Add(mail);
        return mail;
    }

    public static void Enqueue(AddonDbContext db, SecurityReportMail mail, DateTime now) =>
        db.Enqueue(AdvisoryJobs.ReportMail, mail.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), now);
}
