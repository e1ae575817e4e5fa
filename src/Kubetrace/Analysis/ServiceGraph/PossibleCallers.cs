using System.Text;
using Kubetrace.Storage;
using Kubetrace.Storage.Encoding;

namespace Kubetrace.Analysis.ServiceGraph;

/// <summary>
/// The spans a link may name as its caller — client and producer spans without a child in their trace — with their
/// service. Most are never named: a call into a service that traces nothing, or whose server span was not sampled. At
/// 10M spans they were 2.6M entries and 88 MB of the graph's rollup states, and reading every entry into a dictionary
/// on every merge cost the analysis 4 s. So the entries read from a rollup stay as their bytes (checked when read)
/// until the links are known, and only those a link names are looked up (<see cref="Find"/>); and they are written
/// grouped by trace, each service named once per section (about 15 B a caller instead of 33).
/// </summary>
internal sealed class PossibleCallers
{
    private readonly Dictionary<(TraceId Trace, ulong Span), string> _added = [];
    private readonly List<ReadOnlyMemory<byte>> _read = []; // sections as written, in the order merged

    public void Add(TraceId trace, ulong span, string service) => _added.TryAdd((trace, span), service);

    public void Merge(PossibleCallers other)
    {
        foreach (var (key, service) in other._added) _added.TryAdd(key, service);
        _read.AddRange(other._read);
    }

    /// <summary>The callers among <paramref name="targets"/>, with their services (the first one added or merged wins).</summary>
    public Dictionary<(TraceId Trace, ulong Span), string> Find(IReadOnlyCollection<(TraceId Trace, ulong Span)> targets)
    {
        var found = new Dictionary<(TraceId Trace, ulong Span), string>();
        if (targets.Count == 0) return found;
        var wanted = targets.ToHashSet();
        var wantedTraces = targets.Select(t => t.Trace).ToHashSet();
        foreach (var key in wanted)
            if (_added.TryGetValue(key, out var service)) found[key] = service;
        foreach (var section in _read)
        {
            var reader = ByteReader.Over(section);
            var services = ReadServices(reader);
            while (!reader.AtEnd)
            {
                var trace = new TraceId(reader.ReadUInt128());
                var count = reader.ReadInt();
                if (!wantedTraces.Contains(trace))
                {
                    for (var i = 0; i < count; i++) SkipCaller(reader);
                    continue;
                }
                for (var i = 0; i < count; i++)
                {
                    var key = (trace, reader.ReadFixed64());
                    var service = services[reader.ReadInt()];
                    if (wanted.Contains(key)) found.TryAdd(key, service);
                }
            }
        }
        return found;
    }

    /// <summary>The section count, then each section length-prefixed: the entries added as one (when there are any), then
    /// those read, byte for byte. A section: its service names, then per trace its ID, its callers' count, and each
    /// caller's span ID and service number.</summary>
    public void WriteTo(ByteWriter writer)
    {
        writer.WriteVarint(_read.Count + (_added.Count > 0 ? 1 : 0));
        if (_added.Count > 0) writer.WriteBytes(Encode(_added));
        foreach (var section in _read) writer.WriteBytes(section.Span);
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote, keeping the sections as bytes of <paramref name="reader"/>'s buffer
    /// (rollup bytes are the reader's to keep: ITraceStore.ScanRolledUpAsync); each section is checked whole.</summary>
    public static PossibleCallers ReadFrom(ByteReader reader)
    {
        var callers = new PossibleCallers();
        for (var sections = reader.ReadInt(); sections > 0; sections--)
        {
            var length = reader.ReadInt();
            var start = reader.Position;
            reader.Skip(length);
            var section = new ReadOnlyMemory<byte>(reader.Buffer, start, length);
            Check(section);
            callers._read.Add(section);
        }
        return callers;
    }

    private static ReadOnlySpan<byte> Encode(Dictionary<(TraceId Trace, ulong Span), string> callers)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var service in callers.Values) names.TryAdd(service, names.Count);
        var writer = new ByteWriter(1024);
        writer.WriteVarint(names.Count);
        foreach (var name in names.Keys) writer.WriteString(name);
        foreach (var trace in callers.GroupBy(c => c.Key.Trace))
        {
            writer.WriteUInt128(trace.Key.Value);
            writer.WriteVarint(trace.Count());
            foreach (var ((_, span), service) in trace)
            {
                writer.WriteFixed64(span);
                writer.WriteVarint(names[service]);
            }
        }
        return writer.WrittenSpan;
    }

    private static string[] ReadServices(ByteReader reader)
    {
        var services = new string[reader.ReadInt()];
        for (var i = 0; i < services.Length; i++) services[i] = LabelPool.Get(reader.ReadString());
        return services;
    }

    private static void SkipCaller(ByteReader reader)
    {
        reader.Skip(8);
        reader.ReadVarint();
    }

    /// <summary>Walks a section once so that a damaged state fails when read, not when a link is resolved.</summary>
    private static void Check(ReadOnlyMemory<byte> section)
    {
        var reader = ByteReader.Over(section);
        var services = ReadServices(reader).Length;
        while (!reader.AtEnd)
        {
            reader.Skip(16);
            for (var count = reader.ReadInt(); count > 0; count--)
            {
                reader.Skip(8);
                if (reader.ReadInt() >= services) throw new InvalidDataException("a caller names a service the section does not have");
            }
        }
    }
}
