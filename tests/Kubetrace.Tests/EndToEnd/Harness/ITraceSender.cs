namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>
/// A client that sends traces and knows which ones the server acknowledged: the hand-built OTLP client
/// (<see cref="OtlpSender"/>) or the OpenTelemetry .NET SDK's exporter (<see cref="SdkTraceSender"/>).
/// </summary>
internal interface ITraceSender : IDisposable
{
    /// <summary>"grpc" or "http", for reports.</summary>
    string Transport { get; }

    /// <summary>Sends one new trace of <paramref name="spans"/> spans of <paramref name="service"/>.</summary>
    /// <returns>The trace when the server acknowledged it; otherwise null and why.</returns>
    Task<(SentTraceIds? Acknowledged, string? Failure)> SendTraceAsync(string service, int spans);
}
