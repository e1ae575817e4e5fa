using System.Text.Json;
using Kubetrace.Cli;

namespace Kubetrace.Api.Tempo;

/// <summary>
/// <c>GET /api/status/buildinfo</c> in Tempo's (Prometheus') shape. Grafana's Tempo data source reads
/// <c>version</c> as a semantic version to decide which API features to use, so it is the Tempo API version this
/// API follows, with Kubetrace's own version as build metadata (ignored when versions are compared).
/// </summary>
public static class TempoBuildInfo
{
    /// <summary>The Tempo version reported: a 2.x release, as the API in ../shared/conformance/tempo_api.md (notes
    /// taken from grafana/tempo main of 2026-08) is at least that new; Grafana gates its features on 2.x versions.</summary>
    public const string TempoApiVersion = "2.9.0";

    public static void Write(Utf8JsonWriter w)
    {
        var version = VersionCommand.Version;
        w.WriteStartObject();
        w.WriteString("version", $"{TempoApiVersion}+kubetrace.{SemverMetadata(version)}");
        w.WriteString("revision", version);
        w.WriteString("branch", "");
        w.WriteString("buildUser", "");
        w.WriteString("buildDate", "");
        w.WriteString("goVersion", "");
        w.WriteEndObject();
    }

    /// <summary>Build metadata may only hold [0-9A-Za-z-.]: anything else becomes '-'.</summary>
    private static string SemverMetadata(string text) =>
        new(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '-').ToArray());
}
