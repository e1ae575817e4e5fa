using Kubetrace.Otlp;
using Kubetrace.Receivers.Otlp.Admission;
using Microsoft.AspNetCore.Http;
using GrpcCode = Grpc.Core.StatusCode;

namespace Kubetrace.Receivers.Otlp.Http;

/// <summary>
/// The HTTP adapter: <c>POST {traces_url_path}</c> with a protobuf or JSON body (optionally gzip/deflate) in, the
/// status codes of the OTLP specification out. Every refusal carries a google.rpc.Status in the request's encoding.
/// </summary>
/// <remarks>
/// The request holds a lease on the receiver's <see cref="InFlightBytes"/> from its first decompressed byte until
/// the pipeline has answered; when the bytes stop fitting, it is answered 429 with Retry-After at once.
/// </remarks>
internal sealed class OtlpHttpHandler(HttpServerConfig config, TraceExportService exports, InFlightBytes inFlight)
{
    private readonly CorsPolicy? _cors = config.Cors is null ? null : new CorsPolicy(config.Cors);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (!string.Equals(request.Path.Value, config.TracesUrlPath, StringComparison.Ordinal))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (_cors is not null)
        {
            if (_cors.TryAnswerPreflight(context)) return;
            _cors.AddResponseHeaders(context);
        }

        var known = OtlpMediaType.TryParse(request.ContentType, out var encoding);
        if (!known) encoding = OtlpEncoding.Json; // for the error body only
        if (!HttpMethods.IsPost(request.Method))
        {
            response.Headers.Allow = "POST";
            await HttpAnswers.WriteErrorAsync(response, StatusCodes.Status405MethodNotAllowed, encoding, GrpcCode.Unimplemented,
                $"method {request.Method} is not allowed on {config.TracesUrlPath}; use POST").ConfigureAwait(false);
            return;
        }
        if (!known)
        {
            await HttpAnswers.WriteErrorAsync(response, StatusCodes.Status415UnsupportedMediaType, encoding, GrpcCode.InvalidArgument,
                $"unsupported content type \"{request.ContentType}\"; use {OtlpMediaType.Protobuf} or {OtlpMediaType.Json}").ConfigureAwait(false);
            return;
        }
        if (!ContentCodings.TryParse(request.Headers.ContentEncoding, out var coding))
        {
            await HttpAnswers.WriteErrorAsync(response, StatusCodes.Status400BadRequest, encoding, GrpcCode.InvalidArgument,
                $"unsupported content encoding \"{request.Headers.ContentEncoding}\"; use gzip, deflate or none").ConfigureAwait(false);
            return;
        }

        var metadata = config.IncludeMetadata ? ClientMetadata.From(request.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString()))) : null;
        if (ReceiverTenant.Apply(exports, request.Headers[Pipeline.Tenants.HeaderName], Kubetrace.Extensions.Auth.AuthenticationGate.PrincipalOf(context),
                config.Auth?.TenantClaim, ref metadata) is { } refusal)
        {
            var (status, code) = refusal.Kind switch
            {
                TenantRefusalKind.Missing => (StatusCodes.Status401Unauthorized, GrpcCode.Unauthenticated),
                TenantRefusalKind.Forbidden => (StatusCodes.Status403Forbidden, GrpcCode.PermissionDenied),
                _ => (StatusCodes.Status400BadRequest, GrpcCode.InvalidArgument),
            };
            await HttpAnswers.WriteErrorAsync(response, status, encoding, code, refusal.Message).ConfigureAwait(false);
            return;
        }

        using var lease = inFlight.Open();
        DecodedTraces decoded;
        try
        {
            if (encoding == OtlpEncoding.Protobuf)
            {
                // The batch keeps the bytes (pass-through path), so they go into an array it owns.
                var body = await RequestBodyReader.ReadArrayAsync(request, coding, config.MaxRequestBodySize, lease, context.RequestAborted).ConfigureAwait(false);
                decoded = TraceRequestDecoder.DecodeProtobuf(body, metadata, exports.Limits);
            }
            else
            {
                // JSON becomes objects; its text is dropped after parsing, so a pooled buffer will do.
                using var body = await RequestBodyReader.ReadPooledAsync(request, coding, config.MaxRequestBodySize, lease, context.RequestAborted).ConfigureAwait(false);
                decoded = TraceRequestDecoder.DecodeJson(body.Span, metadata, exports.Limits);
            }
        }
        catch (RequestOverBudgetException e)
        {
            await WriteFailureAsync(response, encoding, e.Lease.Refusal()).ConfigureAwait(false);
            return;
        }
        catch (BodyTooLargeException e)
        {
            await HttpAnswers.WriteErrorAsync(response, StatusCodes.Status413PayloadTooLarge, encoding, GrpcCode.ResourceExhausted, e.Message).ConfigureAwait(false);
            return;
        }
        catch (InvalidDataException e)
        {
            await HttpAnswers.WriteErrorAsync(response, StatusCodes.Status400BadRequest, encoding, GrpcCode.InvalidArgument,
                $"cannot decompress the {coding.ToString().ToLowerInvariant()} body: {e.Message}").ConfigureAwait(false);
            return;
        }
        catch (FormatException e) // protobuf or JSON that does not decode
        {
            await HttpAnswers.WriteErrorAsync(response, StatusCodes.Status400BadRequest, encoding, GrpcCode.InvalidArgument, e.Message).ConfigureAwait(false);
            return;
        }
        catch (EndOfStreamException)
        {
            await HttpAnswers.WriteErrorAsync(response, StatusCodes.Status400BadRequest, encoding, GrpcCode.InvalidArgument,
                "request body shorter than its Content-Length").ConfigureAwait(false);
            return;
        }

        var (answer, failure) = await exports.ExportAsync(decoded, context.RequestAborted).ConfigureAwait(false);
        if (failure is null)
        {
            await HttpAnswers.WriteResponseAsync(response, encoding, answer!).ConfigureAwait(false);
            return;
        }
        await WriteFailureAsync(response, encoding, failure).ConfigureAwait(false);
    }

    private static Task WriteFailureAsync(HttpResponse response, OtlpEncoding encoding, ExportFailure failure)
    {
        if (failure.RetryAfterSeconds is { } seconds) response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return HttpAnswers.WriteErrorAsync(response, failure.HttpStatus, encoding, failure.ToRpcStatus());
    }
}
