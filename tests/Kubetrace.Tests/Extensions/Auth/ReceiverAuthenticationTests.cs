using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Kubetrace.Extensions.Auth;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Tests.Receivers;

namespace Kubetrace.Tests.Extensions.Auth;

/// <summary>
/// Each authenticator on the <c>otlp</c> receiver, over gRPC and HTTP: good credentials reach the pipeline; missing,
/// wrong, expired and tampered ones get UNAUTHENTICATED / 401 with a reason and never reach it.
/// </summary>
public sealed class ReceiverAuthenticationTests : IDisposable
{
    private readonly AuthWorld _world = new();

    public void Dispose() => _world.Dispose();

    /// <summary>Authenticator, credential case, Authorization header (null: none), reason expected in the refusal (null: accepted).</summary>
    public static TheoryData<string, string, string?, string?> Cases()
    {
        using var world = new AuthWorld();
        return new()
        {
            { "bearertokenauth", "good", "Bearer s3cret-agent-token", null },
            { "bearertokenauth", "missing", null, "missing Authorization header" },
            { "bearertokenauth", "wrong", "Bearer guessed-token", "invalid token" },
            { "bearertokenauth", "tampered", "Bearer s3cret-agent-tokeN", "invalid token" },
            { "bearertokenauth", "other scheme", "Basic czNjcmV0", "Authorization header is not \"Bearer <token>\"" },
            { "basicauth", "good bcrypt", AuthWorld.BasicHeader("alice", "alice-password"), null },
            { "basicauth", "good sha", AuthWorld.BasicHeader("bob", "bob-password"), null },
            { "basicauth", "missing", null, "missing Authorization header" },
            { "basicauth", "wrong", AuthWorld.BasicHeader("alice", "bob-password"), "invalid user name or password" },
            { "basicauth", "unknown user", AuthWorld.BasicHeader("mallory", "alice-password"), "invalid user name or password" },
            { "basicauth", "tampered", "Basic YWxpY2U6YWxpY2UtcGFzc3dvcmQ!", "Basic credentials are not base64" },
            { "oidc", "good", "Bearer " + world.Jwt(), null },
            { "oidc", "missing", null, "missing authorization header" },
            { "oidc", "wrong key", "Bearer " + world.Jwt(stranger: true), "token signature is not valid for the issuer's keys" },
            { "oidc", "expired", "Bearer " + world.Jwt(expired: true), "token has expired" },
            { "oidc", "tampered", "Bearer " + world.TamperedJwt(), "token signature is not valid for the issuer's keys" },
            { "oidc", "wrong audience", "Bearer " + world.Jwt(audience: "someone-else"), "token audience is not \"kubetrace\"" },
            { "oidc", "not a jwt", "Bearer s3cret-agent-token", "token is not a JWT" },
            // Hostile shapes: three parts that are not JSON, JSON that is not an object, fields of the wrong type.
            { "oidc", "parts not json", "Bearer a.b." + new string('A', 300), "token is not a JWT" },
            { "oidc", "header an array", "Bearer " + AuthWorld.Forged("[1,2]", "\"x\""), "token is not a JWT" },
            { "oidc", "key id a number", "Bearer " + AuthWorld.Forged("""{"alg":"ES256","kid":5}""", """{"sub":"x"}"""), "token is not a JWT" },
            { "oidc", "claims of wrong types", "Bearer " + AuthWorld.Forged("""{"alg":"ES256","kid":"issuer-key-1"}""", """{"exp":1e400,"aud":[1,{}],"sub":{}}"""), "token is not a JWT" },
        };
    }

    private Task<RunningReceiver> StartAsync(string authenticator) =>
        RunningReceiver.StartAsync(c =>
        {
            c.Protocols.Grpc!.Auth = new AuthenticationConfig { Authenticator = authenticator };
            c.Protocols.Http!.Auth = new AuthenticationConfig { Authenticator = authenticator };
        }, directory: _world.Directory);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Over_grpc(string authenticator, string credentials, string? authorization, string? refusal)
    {
        await using var receiver = await StartAsync(authenticator);
        using var channel = GrpcChannel.ForAddress(receiver.GrpcAddress);
        var client = new TraceService.TraceServiceClient(channel);
        var headers = authorization is null ? new Metadata() : new Metadata { { "authorization", authorization } };

        var call = client.ExportAsync(SampleRequests.Valid(2), headers);

        if (refusal is null)
        {
            await call;
            Assert.Equal(2, receiver.Consumer.SpanCount);
            return;
        }
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call);
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("unauthenticated: " + refusal, error.Status.Detail);
        Assert.True(receiver.Consumer.Batches.IsEmpty, $"{credentials}: refused data reached the pipeline");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Over_http(string authenticator, string credentials, string? authorization, string? refusal)
    {
        await using var receiver = await StartAsync(authenticator);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, receiver.TracesUrl) { Content = OtlpHttpClient.Protobuf(SampleRequests.Valid(2)) };
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);

        using var response = await http.SendAsync(request);

        if (refusal is null)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2, receiver.Consumer.SpanCount);
            return;
        }
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("realm=\"kubetrace\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal($"unauthenticated: {refusal}\n", await response.Content.ReadAsStringAsync());
        Assert.True(receiver.Consumer.Batches.IsEmpty, $"{credentials}: refused data reached the pipeline");
    }

    [Fact]
    public async Task A_rotated_token_file_accepts_the_new_token_and_refuses_the_old_one_without_a_restart()
    {
        await using var receiver = await StartAsync("bearertokenauth");
        using var http = new HttpClient();
        async Task<HttpStatusCode> SendAsync(string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, receiver.TracesUrl) { Content = OtlpHttpClient.Protobuf(SampleRequests.Valid(1)) };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, await SendAsync("s3cret-agent-token"));

        await File.WriteAllTextAsync(_world.TokenFile, "rotated-token-with-another-length\n");
        var status = HttpStatusCode.OK;
        await Wait.UntilAsync(async () => (status = await SendAsync("s3cret-agent-token")) != HttpStatusCode.OK,
            () => $"the old token is no longer taken after the token file was rotated (last answer: {(int)status})");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(HttpStatusCode.OK, await SendAsync("rotated-token-with-another-length"));
    }

    [Fact]
    public async Task A_receiver_naming_an_authenticator_that_is_not_configured_does_not_start()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningReceiver.StartAsync(
            c => c.Protocols.Http!.Auth = new AuthenticationConfig { Authenticator = "oidc/people" }, directory: _world.Directory));

        Assert.Equal("auth.authenticator \"oidc/people\" is not an authenticator extension (bearertokenauth, basicauth, oidc) listed in service.extensions", error.Message);
    }

    [Fact]
    public async Task The_oidc_principal_carries_subject_and_groups()
    {
        var result = await _world.Oidc.AuthenticateAsync(new Microsoft.AspNetCore.Http.HeaderDictionary { ["authorization"] = "Bearer " + _world.Jwt() }, default);

        Assert.Equal("system:serviceaccount:kube-system:node-agent", result.Principal!.Subject);
        Assert.Equal(["system:serviceaccounts", "team-a"], result.Principal.Groups);
    }
}
