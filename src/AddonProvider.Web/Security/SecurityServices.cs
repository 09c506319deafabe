using AddonProvider.Web.Configuration;
using AddonProvider.Web.Jobs;
using AddonProvider.Web.Security.Mail;

namespace AddonProvider.Web.Security;

public static class SecurityServices
{
    public static IServiceCollection AddSecurityAdvisories(this IServiceCollection services, Settings settings, string contentRoot)
    {
        var mail = MailSettings.Load(settings, contentRoot);
        services.AddSingleton(mail);
        if (mail.SmtpUrl is null) services.AddSingleton<IMailSender, FileMailSender>();
        else services.AddSingleton<IMailSender, SmtpMailSender>();
        services.AddSingleton<AdvisoryEmail>();
        services.AddScoped<AdvisoryService>().AddScoped<SecurityReportService>().AddScoped<SecurityNotices>();
        services.AddJob<ResolveAdvisoryJob>(AdvisoryJobs.Resolve);
        services.AddJob<DeliverAdvisoryBatchJob>(AdvisoryJobs.Deliver);
        services.AddJob<ReportReplyJob>(AdvisoryJobs.ReportReply);
        services.AddSingleton<ReportClock>().AddSingleton<ReportEmail>();
        services.AddJob<ReportMailJob>(AdvisoryJobs.ReportMail);
        services.AddJob<ReportDeadlineJob>(AdvisoryJobs.ReportDeadlines);
        services.AddRecurringJob(AdvisoryJobs.ReportDeadlines, "* * * * *"); // every minute: one alert per passed deadline
        return services;
    }

    public static void MapSecurityEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapAdvisoryEndpoints();
        app.MapSecurityReportEndpoints();
    }
}
