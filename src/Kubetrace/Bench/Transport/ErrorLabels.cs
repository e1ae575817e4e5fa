using Grpc.Core;

namespace Kubetrace.Bench.Transport;

/// <summary>Interned labels for failed exports, so that a server refusing every request costs no allocation.</summary>
internal static class ErrorLabels
{
    private static readonly string[] GrpcLabels =
        Enumerable.Range(0, 17).Select(code => $"grpc {ToUpperSnake(((StatusCode)code).ToString())}").ToArray();

    private static readonly string?[] HttpLabels = new string?[600];

    public static string Grpc(StatusCode code) =>
        (int)code is >= 0 and < 17 ? GrpcLabels[(int)code] : $"grpc {(int)code}";

    public static string Http(int status) =>
        status is >= 0 and < 600 ? HttpLabels[status] ??= $"http {status}" : $"http {status}";

    public static string Transport(Exception e) => $"transport {e.GetType().Name}";

    private static string ToUpperSnake(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();
}
