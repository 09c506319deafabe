using Hangfire.Logging;
using HfLevel = Hangfire.Logging.LogLevel;
using MsLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace AddonProvider.Web.Jobs;

/// <summary>
/// Hangfire logs through one process-wide provider, set by whichever host configured it last. When that host
/// stops (several hosts live in one test process) its logger factory is disposed, and Hangfire's default
/// provider then throws inside every other host's workers, which stop fetching jobs. This one drops the line instead.
/// </summary>
internal sealed class HangfireLogProvider(ILoggerFactory factory) : ILogProvider
{
    public ILog GetLogger(string name)
    {
        try { return new SafeLog(factory.CreateLogger(name)); }
        catch (ObjectDisposedException) { return new SafeLog(null); }
    }

    private sealed class SafeLog(ILogger? logger) : ILog
    {
        public bool Log(HfLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            if (logger is null) return false;
            var level = logLevel switch
            {
                HfLevel.Trace => MsLogLevel.Trace,
                HfLevel.Debug => MsLogLevel.Debug,
                HfLevel.Info => MsLogLevel.Information,
                HfLevel.Warn => MsLogLevel.Warning,
                HfLevel.Error => MsLogLevel.Error,
                _ => MsLogLevel.Critical,
            };
            try
            {
                if (messageFunc is null) return logger.IsEnabled(level);
                if (logger.IsEnabled(level)) logger.Log(level, 0, messageFunc(), exception, static (s, _) => s);
                return true;
            }
            catch (ObjectDisposedException) { return false; }
        }
    }
}
