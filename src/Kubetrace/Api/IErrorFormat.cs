using Microsoft.AspNetCore.Http;

namespace Kubetrace.Api;

/// <summary>How one API (native, Jaeger, Tempo) writes an error body; the status code is decided by the caller.</summary>
public interface IErrorFormat
{
    Task WriteAsync(HttpContext context, int statusCode, string message);
}
