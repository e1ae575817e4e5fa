using Kubetrace.Extensions.Auth;
using Kubetrace.Extensions.Auth.BearerToken;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Tests.Extensions.Auth;

/// <summary>
/// A token file is looked at again once a second of the authenticator's clock (the component's clock) has passed,
/// so the request path costs a clock read: a rotation is taken at the first request after that second, not before.
/// </summary>
public sealed class TokenFileRotationTests
{
    [Fact]
    public async Task A_rotated_token_file_is_read_at_the_first_request_a_second_after_the_last_look_and_not_before()
    {
        using var folder = new TempDirectory();
        var tokenFile = folder.File("token");
        await File.WriteAllTextAsync(tokenFile, "first-token\n");
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var bearer = new BearerTokenAuthenticator(TestSettings.For("bearertokenauth") with { Clock = clock },
            new BearerTokenAuthConfig { Filename = tokenFile });

        await File.WriteAllTextAsync(tokenFile, "second-token-of-another-length\n");
        clock.Advance(TimeSpan.FromMilliseconds(999));
        var beforeTheSecond = (await AuthenticateAsync(bearer, "first-token"), await AuthenticateAsync(bearer, "second-token-of-another-length"));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var afterTheSecond = (await AuthenticateAsync(bearer, "first-token"), await AuthenticateAsync(bearer, "second-token-of-another-length"));

        Assert.Equal((true, false), beforeTheSecond);
        Assert.Equal((false, true), afterTheSecond);
    }

    private static async Task<bool> AuthenticateAsync(BearerTokenAuthenticator bearer, string token) =>
        (await bearer.AuthenticateAsync(new HeaderDictionary { ["Authorization"] = $"Bearer {token}" }, CancellationToken.None)).Succeeded;
}
