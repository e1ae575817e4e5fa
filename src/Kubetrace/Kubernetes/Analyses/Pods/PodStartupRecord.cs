using Kubetrace.Analysis.Rollups;
using Kubetrace.Analysis.Sampling;
using Kubetrace.Storage;
using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Kubernetes.Analyses.Pods;

/// <summary>
/// One pod's start-up being added up: its syncPod calls that did start-up work, their CRI calls by phase, the
/// images pulled and the traces they are in. Two records of the same pod (from two blocks) merge into the one a
/// single pass would have built.
/// </summary>
internal sealed class PodStartupRecord(string pod, string? uid, string node)
{
    private readonly long[] _phases = new long[5]; // by CriPhase
    private readonly SortedSet<TraceId> _traces = [];
    private long _start = long.MaxValue;
    private bool _error;
    private bool _createWithoutCri;
    private long _criCalls;

    public string Pod => pod;

    public string? Uid => uid;

    public string Node => node;

    /// <summary>The syncPod calls' time, all of it: what pods are ranked by.</summary>
    public long TotalNanos { get; private set; }

    public SortedSet<string> Images { get; } = new(StringComparer.Ordinal);

    /// <summary>The first of its traces by ID (the one its row links to): a start-up sync is in each.</summary>
    public TraceId FirstTrace => _traces.Min;

    /// <summary>Its pulls that containerd 1.7's spans split into fetch, unpack and the rest.</summary>
    public PullSplitTotals PullSplit { get; } = new();

    /// <summary>The sampled traces and start-up syncs behind the pod's row.</summary>
    public SampleTally Sample { get; } = new();

    public void AddSync(ScannedSpan sync, TraceId traceId, TraceSampling sampling)
    {
        Sample.Record(sampling, sync, sync.IsError);
        _start = Math.Min(_start, sync.StartUnixNano);
        TotalNanos += sync.DurationNanos;
        _error |= sync.IsError;
        _traces.Add(traceId);
    }

    public void Add(CriPhase phase, long nanos, bool error)
    {
        _phases[(int)phase] += nanos;
        _criCalls++;
        _error |= error;
    }

    /// <summary>A create sync with no CRI call under it (kubelet 1.28–1.29 detach them; or the sync failed before the runtime).</summary>
    public void AddCreateWithoutCri() => _createWithoutCri = true;

    /// <summary>The phases are known when some start-up sync of the pod had its CRI calls under it.</summary>
    public bool PhasesKnown => _criCalls > 0 || !_createWithoutCri;

    public void Merge(PodStartupRecord other)
    {
        _start = Math.Min(_start, other._start);
        TotalNanos += other.TotalNanos;
        _error |= other._error;
        _createWithoutCri |= other._createWithoutCri;
        _criCalls += other._criCalls;
        for (var p = 0; p < _phases.Length; p++) _phases[p] += other._phases[p];
        _traces.UnionWith(other._traces);
        Images.UnionWith(other.Images);
        PullSplit.Merge(other.PullSplit);
        Sample.Merge(other.Sample);
    }

    public PodStartup ToStartup(RowSamples samples)
    {
        var cri = _phases.Sum();
        return new PodStartup(pod, uid, node, Images.ToList(), _start, TotalNanos,
            _phases[(int)CriPhase.Sandbox], _phases[(int)CriPhase.ImagePull], _phases[(int)CriPhase.Create],
            _phases[(int)CriPhase.Start], Math.Max(0, TotalNanos - cri), _error, _traces.Select(t => t.ToString()).ToList(),
            PullSplit.ToReport(), PhasesKnown) { Sample = samples.Of(Sample) };
    }

    public void WriteTo(ByteWriter writer)
    {
        writer.WriteString(pod);
        writer.WriteString(uid ?? "");
        writer.WriteString(node);
        writer.WriteSigned(_start);
        writer.WriteVarint(TotalNanos);
        writer.WriteByte((byte)((_error ? 1 : 0) | (_createWithoutCri ? 2 : 0)));
        writer.WriteVarint(_criCalls);
        writer.WriteEach(_phases, writer.WriteVarint);
        writer.WriteEach(Images, writer.WriteString);
        writer.WriteEach(_traces, trace => writer.WriteUInt128(trace.Value));
        PullSplit.WriteTo(writer);
        Sample.WriteTo(writer);
    }

    public static PodStartupRecord ReadFrom(ByteReader reader)
    {
        var pod = reader.ReadString();
        var uid = reader.ReadString();
        var record = new PodStartupRecord(pod, uid.Length == 0 ? null : uid, reader.ReadString())
        {
            _start = reader.ReadSigned(), TotalNanos = reader.ReadLong(),
        };
        var flags = reader.ReadByte();
        (record._error, record._createWithoutCri, record._criCalls) = ((flags & 1) != 0, (flags & 2) != 0, reader.ReadLong());
        var phase = 0;
        reader.ReadEach(() =>
        {
            if (phase >= record._phases.Length) throw new InvalidDataException($"pod start-up: more than {record._phases.Length} phases");
            record._phases[phase++] = reader.ReadLong();
        });
        reader.ReadEach(() => record.Images.Add(reader.ReadString()));
        reader.ReadEach(() => record._traces.Add(new TraceId(reader.ReadUInt128())));
        record.PullSplit.MergeFrom(reader);
        record.Sample.MergeFrom(reader);
        return record;
    }
}
