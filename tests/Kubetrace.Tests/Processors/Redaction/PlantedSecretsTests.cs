using Google.Protobuf;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Processors.Redaction;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Processors.Redaction;

/// <summary>
/// A corpus of secrets planted the ways cluster traces leak them, through <c>preset: kubernetes</c>: every secret
/// must be gone (masked or removed), every planted value must come out exactly as expected (the text around the
/// secret kept), and every clean attribute, name and message must come out unchanged.
/// </summary>
public class PlantedSecretsTests
{
    private const string Jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjRkN2Y3In0.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50Iiwic3ViIjoic3lzdGVtOnNlcnZpY2VhY2NvdW50OmRlZmF1bHQ6ZGVmYXVsdCJ9.c2lnbmF0dXJlLWJ5dGVzLWhlcmUtbG9uZw";
    private const string StaticToken = "abcdef.0123456789abcdef";
    private const string CertificateBody = "MIIDBTCCAe2gAwIBAgIIEOmOyjGOS1cwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE";
    private const string KeyData = "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB";

    /// <summary>(key, value with a secret, the secrets it holds, the exact value expected after redaction).</summary>
    private static readonly (string Key, object Value, string[] Secrets, object Expected)[] Planted =
    [
        ("http.request.header.authorization", Array("Bearer " + Jwt), [Jwt], "****"),
        ("http.request.header.Authorization", "Bearer " + StaticToken, [StaticToken], "****"),
        ("http.request.header.proxy-authorization", "Basic YWRtaW46aHVudGVyMg==", ["YWRtaW46aHVudGVyMg=="], "****"),
        ("http.request.header.cookie", Array("session=7f3a9c1e44; csrftoken=q1w2e3r4"), ["7f3a9c1e44", "q1w2e3r4"], "****"),
        ("http.response.header.set-cookie", "id=a3fWa; Expires=Thu, 21 Oct 2027 07:28:00 GMT; Secure", ["a3fWa"], "****"),
        ("db.password", "hunter2", ["hunter2"], "****"),
        ("client_secret", "0f9e8d7c6b5a", ["0f9e8d7c6b5a"], "****"),
        ("x-api-key", "AKIAIOSFODNN7EXAMPLE", ["AKIAIOSFODNN7EXAMPLE"], "****"),
        ("http.target", "/api/v1/namespaces/default/pods/web-0/exec?command=sh&access_token=" + StaticToken + "&stdin=true",
            [StaticToken], "/api/v1/namespaces/default/pods/web-0/exec?command=sh&access_token=****&stdin=true"),
        ("url.full", "https://10.0.0.1:6443/api/v1/pods?token=s3cr3tT0kenValue", ["s3cr3tT0kenValue"], "https://10.0.0.1:6443/api/v1/pods?token=****"),
        ("http.url", "https://admin:hunter2@registry.example.com/v2/library/nginx/manifests/latest", ["hunter2", "admin:hunter2"],
            "https://****@registry.example.com/v2/library/nginx/manifests/latest"),
        ("url.full", "https://x-access-token:ghs_16C7e42F292c6912E7710c838347Ae178B4a@github.com/org/repo.git",
            ["ghs_16C7e42F292c6912E7710c838347Ae178B4a"], "https://****@github.com/org/repo.git"),
        ("url.full", "https://policy.example.com:8443/validate?timeout=10s&auth=d41d8cd98f00", ["d41d8cd98f00"],
            "https://policy.example.com:8443/validate?timeout=10s&auth=****"),
        ("webhook.url", "https://hooks.slack.com/services/T0001/B0002/XXXXXXXXXXXXXXXXXXXXXXXX", ["T0001/B0002/XXXXXXXXXXXXXXXXXXXXXXXX"],
            "https://hooks.slack.com/services/****"),
        ("error.message", "failed calling webhook \"pod-policy.example.com\": Post \"https://svc:p4ssw0rd@pod-policy.webhooks.svc:443/mutate?timeout=10s\": context deadline exceeded",
            ["p4ssw0rd"], "failed calling webhook \"pod-policy.example.com\": Post \"https://****@pod-policy.webhooks.svc:443/mutate?timeout=10s\": context deadline exceeded"),
        ("exception.message", "Unauthorized: token " + Jwt + " has expired", [Jwt], "Unauthorized: token **** has expired"),
        ("http.request.body", "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{\"token\":\"" + StaticToken + "\"}}",
            [StaticToken], "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{\"token\":\"****\"}}"),
        ("log.message", "Authorization: Bearer " + StaticToken, [StaticToken], "Authorization: Bearer ****"),
        ("log.message", "proxy sent Authorization: Basic YWRtaW46aHVudGVyMg== upstream", ["YWRtaW46aHVudGVyMg=="], "proxy sent Authorization: Basic **** upstream"),
        ("kubeconfig.snippet", "users:\n- name: admin\n  user:\n    client-key-data: " + KeyData + "\n    token: " + StaticToken + "\n",
            [KeyData, StaticToken], "users:\n- name: admin\n  user:\n    client-key-data: ****\n    token: ****\n"),
        ("config.ca", "-----BEGIN CERTIFICATE-----\n" + CertificateBody + "\n-----END CERTIFICATE-----\n", [CertificateBody], "****\n"),
        ("config.key", "key follows: -----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA7bq\\n-----END RSA PRIVATE KEY-----",
            ["MIIEowIBAAKCAQEA7bq"], "key follows: ****"),
        ("secret.data", "tls.key=" + KeyData, [KeyData], "tls.key=****"),
        ("db.connection_string", "postgres://db.internal:5432/app?sslmode=disable&password=pa55w0rd", ["pa55w0rd"],
            "postgres://db.internal:5432/app?sslmode=disable&password=****"),
        ("request.headers", Map(("accept", "application/json"), ("authorization", "Bearer " + StaticToken)), [StaticToken],
            Map(("accept", "application/json"), ("authorization", "Bearer ****"))),
    ];

    /// <summary>Values that look close to secrets but are not: they must pass unchanged.</summary>
    private static readonly (string Key, object Value)[] Clean =
    [
        ("http.method", "GET"),
        ("http.status_code", 200),
        ("url.full", "https://10.96.0.1:443/api/v1/namespaces/kube-system/pods?limit=500&resourceVersion=0"),
        ("http.route", "/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token"),
        ("http.target", "/apis/authentication.k8s.io/v1/tokenreviews?timeout=30s"),
        ("user_agent.original", "kubelet/v1.31.0 (linux/amd64) kubernetes/9edcffc"),
        ("k8s.secret.name", "default-token-x7k2p"),
        ("k8s.pod.name", "coredns-7db6d8ff4d-4xk9s"),
        ("message", "Token request for serviceaccount default/default"),
        ("note", "basic auth is disabled; a bearer of bad news"),
        ("error", "invalid bearer token: expired"),
        ("contact", "mailto:ops@example.com"),
        ("net.peer.name", "etcd-0.etcd.kube-system.svc"),
        ("retry", true),
        ("etcd.duration_ms", 12.5),
    ];

    private static AnyValue Array(params string[] items) => new() { ArrayValue = new ArrayValue { Values = { items.Select(i => new AnyValue { StringValue = i }) } } };

    private static AnyValue Map(params (string Key, string Value)[] entries) =>
        new() { KvlistValue = new KeyValueList { Values = { entries.Select(e => Spans.Attr(e.Key, e.Value)) } } };

    private static AnyValue ToValue(object value) => value as AnyValue ?? Spans.Value(value);

    private static async Task<Span> Redact(Span span, Resource? resource = null) => (await RedactWithResource(span, resource)).Span;

    private static async Task<(Span Span, Resource Resource)> RedactWithResource(Span span, Resource? resource)
    {
        var next = new RecordingConsumer();
        var processor = new RedactionProcessor(TestSettings.For("redaction"),
            new RedactionConfig { AllowAllKeys = true, Preset = "kubernetes" }, next);
        var request = Spans.Request([span]);
        if (resource is not null) request.ResourceSpans[0].Resource = resource;
        await processor.ConsumeAsync(global::Kubetrace.Pipeline.TraceBatch.FromRequest(request), default);
        var received = Assert.Single(next.Received);
        return (Assert.Single(Spans.All(next.Received)), received.Request.ResourceSpans[0].Resource);
    }

    [Fact]
    public async Task Every_planted_secret_is_masked_in_place_and_every_clean_value_passes_unchanged()
    {
        var span = Spans.Span(ByteString.CopyFrom(new byte[16] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }));
        span.Attributes.Clear();
        for (var i = 0; i < Planted.Length; i++) span.Attributes.Add(new KeyValue { Key = $"{Planted[i].Key}", Value = ToValue(Planted[i].Value) });
        foreach (var (key, value) in Clean) span.Attributes.Add(new KeyValue { Key = key, Value = ToValue(value) });
        var input = span.Clone();

        var output = await Redact(span);

        Assert.Equal(input, span); // the input batch was not edited in place
        var text = output.ToString();
        foreach (var planted in Planted)
            foreach (var secret in planted.Secrets)
                Assert.DoesNotContain(secret, text);
        Assert.Equal(Planted.Length + Clean.Length, output.Attributes.Count);
        for (var i = 0; i < Planted.Length; i++)
        {
            Assert.Equal(Planted[i].Key, output.Attributes[i].Key);
            Assert.Equal(ToValue(Planted[i].Expected), output.Attributes[i].Value);
        }
        for (var i = 0; i < Clean.Length; i++) Assert.Equal(input.Attributes[Planted.Length + i], output.Attributes[Planted.Length + i]);
    }

    [Fact]
    public async Task Secrets_in_span_names_status_messages_events_and_resources_are_masked_too()
    {
        var span = Spans.Span(ByteString.CopyFrom(new byte[16] { 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 }),
            name: "GET /api/v1/watch/pods?access_token=" + StaticToken);
        span.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "401: Bearer " + Jwt + " rejected" };
        span.Events.Add(new Span.Types.Event { Name = "retry", Attributes = { Spans.Attr("http.url", "https://u:pw0rd@h/x"), Spans.Attr("attempt", 2) } });
        var resource = new Resource { Attributes = { Spans.Attr("service.name", "kube-apiserver"), Spans.Attr("k8s.container.env.TOKEN", StaticToken) } };

        var (output, outputResource) = await RedactWithResource(span, resource);

        Assert.Equal("GET /api/v1/watch/pods?access_token=****", output.Name);
        Assert.Equal("401: Bearer **** rejected", output.Status.Message);
        Assert.Equal(Status.Types.StatusCode.Error, output.Status.Code);
        Assert.Equal("https://****@h/x", output.Events[0].Attributes[0].Value.StringValue);
        Assert.Equal(2, output.Events[0].Attributes[1].Value.IntValue);
        Assert.Equal("retry", output.Events[0].Name);
        Assert.Equal(["kube-apiserver", "****"], outputResource.Attributes.Select(a => a.Value.StringValue));
    }

    [Fact]
    public async Task A_batch_without_secrets_is_handed_on_as_the_same_object()
    {
        var next = new RecordingConsumer();
        var processor = new RedactionProcessor(TestSettings.For("redaction"), new RedactionConfig { AllowAllKeys = true, Preset = "kubernetes" }, next);
        var batch = Spans.Batch(Spans.Span(ByteString.CopyFrom(new byte[16]), attributes: Clean));

        await processor.ConsumeAsync(batch, default);

        Assert.Same(batch, Assert.Single(next.Received));
    }
}
