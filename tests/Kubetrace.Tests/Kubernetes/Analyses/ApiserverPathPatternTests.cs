using System.Text.RegularExpressions;
using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Analyses;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// The apiserver rows' searches leave watches out of a list row with a regular expression over the request URI; it
/// reads the <c>watch</c> parameter as the long-running rule does (the apiserver's own), so a row's search finds the
/// requests the row counts.
/// </summary>
public sealed class ApiserverPathPatternTests
{
    private static readonly Regex Watch = new($"^(?:{ApiserverPathPattern.Watch})$", RegexOptions.NonBacktracking);

    [Theory]
    [InlineData("/api/v1/pods?watch=true", true)]
    [InlineData("/api/v1/pods?watch=1", true)]
    [InlineData("/api/v1/pods?watch=True&resourceVersion=5", true)]
    [InlineData("/api/v1/pods?allowWatchBookmarks=true&watch=yes", true)]
    [InlineData("/api/v1/pods?watch", true)]
    [InlineData("/api/v1/pods?watch=", true)]
    [InlineData("/api/v1/pods?watch=&limit=5", true)]
    [InlineData("/api/v1/pods?watch=00", true)]
    [InlineData("/api/v1/pods?watch=falsey", true)]
    [InlineData("/api/v1/pods?watch=fals", true)]
    [InlineData("/api/v1/pods?watch=0", false)]
    [InlineData("/api/v1/pods?watch=false", false)]
    [InlineData("/api/v1/pods?watch=FALSE&limit=500", false)]
    [InlineData("/api/v1/pods?watch=fAlSe", false)]
    [InlineData("/api/v1/pods?limit=500", false)]
    [InlineData("/api/v1/pods?watchers=1", false)]
    [InlineData("/api/v1/pods?allowWatchBookmarks=true", false)]
    [InlineData("/api/v1/pods", false)]
    public void The_watch_pattern_reads_the_query_as_the_long_running_rule_does(string uri, bool watch)
    {
        var query = uri.Contains('?') ? uri[(uri.IndexOf('?') + 1)..] : "";

        Assert.Equal(watch, LongRunningRequests.AsksForWatch(query));
        Assert.Equal(watch, Watch.IsMatch(uri));
    }
}
