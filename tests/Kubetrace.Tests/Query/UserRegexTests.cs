using Kubetrace.Query;

namespace Kubetrace.Tests.Query;

/// <summary>
/// Every regular expression a user writes is compiled by <see cref="UserRegex"/>: linear-time matching, and a
/// pattern the engine cannot take in bounded time (too long, or needing backtracking) is refused with its reason,
/// which the APIs answer 400 and the config loader reports at the key.
/// </summary>
public sealed class UserRegexTests
{
    [Fact]
    public void A_pattern_longer_than_the_limit_is_refused_naming_the_limit_and_one_at_the_limit_compiles()
    {
        var atLimit = new string('a', UserRegex.MaxPatternLength);

        var error = Assert.Throws<InvalidUserRegexException>(() => UserRegex.Compile(atLimit + "a"));

        Assert.EndsWith($"...': longer than {UserRegex.MaxPatternLength} characters", error.Message);
        Assert.Matches(UserRegex.CompileWhole(atLimit), atLimit);
    }

    [Theory]
    [InlineData(@"(a)\1")]
    [InlineData("a(?=b)")]
    public void A_pattern_that_needs_backtracking_is_refused_with_the_engines_reason(string pattern)
    {
        var error = Assert.Throws<InvalidUserRegexException>(() => UserRegex.Compile(pattern));

        Assert.StartsWith($"invalid regular expression '{pattern}': ", error.Message);
    }
}
