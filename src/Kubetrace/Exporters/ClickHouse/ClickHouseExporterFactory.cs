using Kubetrace.Components;
using Kubetrace.Exporters.Helper;

namespace Kubetrace.Exporters.ClickHouse;

/// <summary><c>clickhouse</c>: spans stored in ClickHouse, a store the <c>kubetrace_query</c> extension names by this exporter's ID.</summary>
public sealed class ClickHouseExporterFactory() : ExporterFactory<ClickHouseExporterConfig>("clickhouse")
{
    protected override IExportSink CreateSink(ComponentSettings settings, ClickHouseExporterConfig config) =>
        new ClickHouseSink(settings, config);
}
