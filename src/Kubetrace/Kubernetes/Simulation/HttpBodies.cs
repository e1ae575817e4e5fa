namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The bytes of a request's body that the apiserver read and of the response it wrote, which otelhttp records on the
/// server span when the handler returns (<c>http.read_bytes</c>/<c>http.wrote_bytes</c> through otelhttp 0.44, then
/// <c>http.request_content_length</c>/<c>http.response_content_length</c>, then <c>http.request.body.size</c>/
/// <c>http.response.body.size</c>); 0 where nothing was read or written, or where the simulator does not model it.
/// </summary>
internal readonly record struct HttpBodies(int Read, int Written)
{
    public static HttpBodies Unknown => default;
}
