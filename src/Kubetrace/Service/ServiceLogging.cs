using Kubetrace.Config;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Kubetrace.Service;

/// <summary>The service's logger: one line per message on stderr (as the Collector logs), per <c>service.telemetry.logs</c>.</summary>
public static class ServiceLogging
{
    public static ILoggerFactory Create(TelemetryLogsConfig config) =>
        LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(ToLogLevel(config.Level)).AddFilter("Microsoft", LogLevel.Warning);
            if (config.Encoding == TelemetryLogEncoding.Json)
            {
                builder.AddJsonConsole(options =>
                {
                    options.UseUtcTimestamp = true;
                    options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                });
            }
            else
            {
                builder.AddSimpleConsole(options =>
                {
                    options.SingleLine = true;
                    options.UseUtcTimestamp = true;
                    options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                    options.ColorBehavior = LoggerColorBehavior.Disabled;
                });
            }
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });

    public static LogLevel ToLogLevel(TelemetryLogLevel level) => level switch
    {
        TelemetryLogLevel.Debug => LogLevel.Debug,
        TelemetryLogLevel.Warn => LogLevel.Warning,
        TelemetryLogLevel.Error => LogLevel.Error,
        _ => LogLevel.Information,
    };
}
