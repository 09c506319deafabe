namespace AddonProvider.Web.Security;

/// <summary>The fan-out's job kinds. Publishing enqueues <see cref="Resolve"/>; it enqueues one <see cref="Deliver"/> per batch.</summary>
public static class AdvisoryJobs
{
    public const string Resolve = "advisory.resolve";
    public const string Deliver = "advisory.deliver";
    public const string ReportReply = "security.report-reply";
    public const string ReportMail = "security.report-mail";
    public const string ReportDeadlines = "security.report-deadlines";

    public static string BatchArgument(Guid advisoryId, int batch) => $"{advisoryId}:{batch}";

    public static (Guid AdvisoryId, int Batch) ParseBatch(string argument)
    {
        var colon = argument.LastIndexOf(':');
        return (Guid.Parse(argument[..colon]), int.Parse(argument[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}
