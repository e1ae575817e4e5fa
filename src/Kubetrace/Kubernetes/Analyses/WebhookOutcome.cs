using System.Globalization;
using Kubetrace.Kubernetes.Semantics;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// Whether an admission webhook call failed or timed out, from what the spans carry: the <c>Call ... webhook</c>
/// span and the otelhttp <c>HTTP POST</c> client span under it. The POST's error status message says why
/// (<c>context deadline exceeded</c>, <c>Client.Timeout exceeded</c>); a 4xx/5xx status code is a failure too.
/// Without a message, a failed call that lasted the webhook's timeout (the apiserver puts it in the URL,
/// <c>?timeout=10s</c>) timed out.
/// </summary>
public static class WebhookOutcome
{
    private static readonly string[] TimeoutWords = ["deadline exceeded", "timeout", "timed out"];

    public static (bool Failed, bool TimedOut) Of(TraceTree tree, int webhookSpan, ScannedAttributes attributes)
    {
        var span = tree[webhookSpan];
        var failed = span.IsError;
        var timedOut = span.IsError && MentionsTimeout(span.StatusMessage);
        for (var child = tree.FirstChildOf(webhookSpan); child >= 0; child = tree.NextSiblingOf(child))
        {
            var post = tree[child];
            var status = int.TryParse(attributes.Get(post, K8sKeys.HttpStatusCode), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : 0;
            if (!post.IsError && status < 400) continue;
            failed = true;
            timedOut |= MentionsTimeout(post.StatusMessage) || status == 504 ||
                (TimeoutOf(attributes.Get(post, "url.full") ?? attributes.Get(post, "http.url")) is { } timeout && post.DurationNanos >= timeout * 99 / 100);
        }
        return (failed, timedOut);
    }

    private static bool MentionsTimeout(string? message)
    {
        if (message is null) return false;
        foreach (var word in TimeoutWords)
            if (message.Contains(word, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>The <c>timeout=10s</c> query parameter of a webhook URL, in nanoseconds; null when absent or not in seconds.</summary>
    public static long? TimeoutOf(string? url)
    {
        if (url is null) return null;
        var at = url.IndexOf("timeout=", StringComparison.Ordinal);
        if (at < 0) return null;
        var value = url.AsSpan(at + "timeout=".Length);
        var stop = value.IndexOf('&');
        if (stop >= 0) value = value[..stop];
        return value.EndsWith('s') && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? (long)(seconds * 1e9) : null;
    }
}
