using System.Collections.Concurrent;
using Kubetrace.Hosting;
using Kubetrace.Tests.TestSupport;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Tests.Receivers;

/// <summary>
/// A client that gives up in the middle of an export (its deadline passed, it was overloaded) resets its HTTP/2
/// stream, and ASP.NET Core gRPC logs that as a failed call with the stack trace of "The client reset the request
/// stream" — a soak at twice the sustainable rate logged one per refused client. That is the client's business:
/// the server logs one Debug line for it, and keeps logging real failures as they are.
/// </summary>
public sealed class ClientResetTests
{
    private const string GrpcCallHandler = "Grpc.AspNetCore.Server.ServerCallHandler";

    [Theory]
    [InlineData("reset stream")]
    [InlineData("aborted connection")]
    public void A_call_its_client_abandoned_is_one_debug_line_without_a_stack_trace(string what)
    {
        var log = new ConcurrentQueue<string>();
        var logger = new QuietFrameworkLoggerFactory(TestSettings.Capturing(log)).CreateLogger(GrpcCallHandler);
        Exception gone = what == "reset stream" ? new IOException("The client reset the request stream.") : new OperationCanceledException("The connection was aborted.");

        logger.LogError(Thrown(gone), "Error when executing service method '{Method}'.", "Export");

        var line = Assert.Single(log);
        Assert.StartsWith("Debug: Error when executing service method 'Export'.", line);
        Assert.Contains("went away: " + gone.Message, line);
        Assert.DoesNotContain("   at ", line);
    }

    [Fact]
    public void Any_other_failure_of_a_call_is_still_logged_as_an_error_with_its_stack_trace()
    {
        var log = new ConcurrentQueue<string>();
        var logger = new QuietFrameworkLoggerFactory(TestSettings.Capturing(log)).CreateLogger(GrpcCallHandler);

        logger.LogError(Thrown(new InvalidOperationException("a bug")), "Error when executing service method '{Method}'.", "Export");

        var line = Assert.Single(log);
        Assert.StartsWith("Error: Error when executing service method 'Export'.", line);
        Assert.Contains("   at ", line);
    }

    [Fact]
    public void The_frameworks_information_lines_stay_quiet()
    {
        var log = new ConcurrentQueue<string>();
        var logger = new QuietFrameworkLoggerFactory(TestSettings.Capturing(log)).CreateLogger(GrpcCallHandler);

        logger.LogInformation(Thrown(new IOException("The client reset the request stream.")), "Request finished");

        Assert.Empty(log);
    }

    private static Exception Thrown(Exception exception)
    {
        try { throw exception; }
        catch (Exception e) { return e; }
    }
}
