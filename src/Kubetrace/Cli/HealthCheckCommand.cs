using System.CommandLine;

namespace Kubetrace.Cli;

/// <summary>
/// <c>kubetrace healthcheck</c>: asks a running Kubetrace's <c>health_check</c> extension whether it is ready, for a
/// container's HEALTHCHECK (the image has no curl). Exit 0 when it answers 2xx, 1 otherwise.
/// </summary>
public static class HealthCheckCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "The health_check endpoint to ask", DefaultValueFactory = _ => "http://localhost:13133/" };
        var command = new Command("healthcheck", "Exit 0 when a running Kubetrace's health_check answers that it is ready") { url };
        command.SetAction(async (parse, cancel) =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            try
            {
                using var response = await http.GetAsync(parse.GetValue(url), cancel);
                if (response.IsSuccessStatusCode) return ExitCodes.Ok;
                parse.InvocationConfiguration.Error.WriteLine($"unhealthy: {(int)response.StatusCode} {response.ReasonPhrase}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"unhealthy: {e.Message}");
            }
            return ExitCodes.Failure;
        });
        return command;
    }
}
