namespace Kubetrace.Exporters.Otlp;

/// <summary>Request compression of the OTLP exporters (<c>compression: gzip | none</c>).</summary>
public enum OtlpCompression
{
    Gzip,
    None,
}
