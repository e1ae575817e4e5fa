using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Kubetrace.Cli.Query;

/// <summary>
/// A small client of the native API (<c>/api/v1</c>, docs/api.md). Every failure becomes a <see cref="QueryFailure"/>
/// with one line for the user: the server could not be reached, or it answered with an error message.
/// </summary>
public sealed class NativeApiClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http;
    /// <summary>The server as the user wrote it, for messages.</summary>
    private readonly string _server;

    /// <param name="token">Sent as <c>Authorization: Bearer</c>; never written into a message.</param>
    /// <param name="handler">Connections (a private CA's trust); the system's defaults when null.</param>
    /// <param name="tenant">Sent as <c>X-Scope-OrgID</c> (a server with <c>multitenancy_enabled</c>).</param>
    public NativeApiClient(Uri server, string? token = null, HttpMessageHandler? handler = null, string? tenant = null)
    {
        _server = server.OriginalString.TrimEnd('/');
        // A trailing slash keeps a path prefix (a server behind a reverse proxy at http://host/kubetrace).
        var root = server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");
        _http = new HttpClient(handler ?? new SocketsHttpHandler()) { BaseAddress = root, Timeout = Timeout };
        if (token is not null) _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        if (!string.IsNullOrEmpty(tenant)) _http.DefaultRequestHeaders.TryAddWithoutValidation(Pipeline.Tenants.HeaderName, tenant);
    }

    /// <summary>GETs <paramref name="path"/> (relative, e.g. <c>api/v1/services</c>) and returns the body of a 2xx answer.</summary>
    public async Task<byte[]> GetBytesAsync(string path, CancellationToken cancel)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(path, cancel);
        }
        catch (HttpRequestException e)
        {
            throw new QueryFailure($"cannot reach kubetrace at {_server}: {Reason(e)}");
        }
        catch (TaskCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new QueryFailure($"cannot reach kubetrace at {_server}: no answer within {Timeout.TotalSeconds:0}s");
        }
        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancel);
            if (response.IsSuccessStatusCode) return body;
            throw new QueryFailure(ErrorMessage(response.StatusCode, body));
        }
    }

    public async Task<JsonElement> GetJsonAsync(string path, CancellationToken cancel)
    {
        var body = await GetBytesAsync(path, cancel);
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new QueryFailure($"{_server} answered {path} with something that is not JSON: is it a kubetrace query port?");
        }
    }

    /// <summary>The native API's <c>{"error":{"message"}}</c>; a 4xx is the user's mistake, so its message alone says it.</summary>
    private string ErrorMessage(HttpStatusCode status, byte[] body)
    {
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String)
                message = text.GetString();
        }
        catch (JsonException)
        {
            // not the native API's error format: said below without the body
        }
        var code = (int)status;
        // The authentication gate answers before the API, in plain text ("unauthenticated: token has expired").
        if (message is null && status == HttpStatusCode.Unauthorized && body.Length is > 0 and < 1024)
            message = System.Text.Encoding.UTF8.GetString(body).Split('\n')[0].Trim();
        if (message is not null) return code < 500 ? message : $"kubetrace at {_server} failed ({code}): {message}";
        return $"{_server} answered {code} {status}: is it a kubetrace query port?";
    }

    private static string Reason(HttpRequestException e) => e.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } => "host not found",
        SocketException { SocketErrorCode: SocketError.TimedOut } => "connection timed out",
        SocketException socket => socket.Message,
        { } inner => inner.Message,
        null => e.Message,
    };

    public void Dispose() => _http.Dispose();
}
