using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// A call whose parent and child spans landed in different parts of the store (the head was cut between them) is
/// in the dependency graph once, wherever the two spans are: block and head, two blocks, one merged block.
/// </summary>
public sealed class CrossBlockDependencyTests
{
    private static Task<IReadOnlyList<DependencyEdge>> DependenciesAsync(EmbeddedTraceStore store) =>
        store.GetDependenciesAsync(TimeRange.All, CancellationToken.None).AsTask();

    private static Span Failed(Span span)
    {
        span.Status = new Status { Code = Status.Types.StatusCode.Error };
        return span;
    }

    [Fact]
    public async Task A_child_whose_parent_is_in_another_block_or_the_head_counts_once_as_a_call()
    {
        await using var temp = new TempStore(dir => new StoreOptions { Directory = dir, RetentionInterval = TimeSpan.FromHours(1) });
        // Trace 1: the apiserver root is cut into a block before its etcd and kubelet children arrive.
        await temp.AppendAsync(Request(Resource("apiserver", Span(1, 1, 0, "GET /api/v1/pods"))));
        await temp.Store.FlushHeadAsync();
        await temp.AppendAsync(Request(
            Resource("etcd", Span(1, 2, 1, "etcdserverpb.KV/Range", 1, 5), Failed(Span(1, 3, 1, "etcdserverpb.KV/Txn", 2, 5))),
            Resource("kubelet", Span(1, 4, 1, "SyncPod", 3, 5))));
        DependencyEdge[] expected = [new("apiserver", "etcd", 2, 1), new("apiserver", "kubelet", 1, 0)];

        Assert.Equal(expected, await DependenciesAsync(temp.Store));          // block → head

        await temp.Store.FlushHeadAsync();
        Assert.Equal(2, temp.Store.GetStats().Blocks);
        Assert.Equal(expected, await DependenciesAsync(temp.Store));          // block → block

        await temp.Store.CompactAsync(CancellationToken.None);
        Assert.Equal(1, temp.Store.GetStats().Blocks);
        Assert.Equal(expected, await DependenciesAsync(temp.Store));          // one merged block: counted inside it
    }

    [Fact]
    public async Task Calls_inside_one_part_are_not_counted_again_when_the_trace_also_has_spans_elsewhere()
    {
        await using var temp = new TempStore(dir => new StoreOptions { Directory = dir, RetentionInterval = TimeSpan.FromHours(1) });
        await temp.AppendAsync(Request(
            Resource("apiserver", Span(1, 1, 0, "GET /api/v1/pods")),
            Resource("etcd", Span(1, 2, 1, "etcdserverpb.KV/Range", 1, 5))));
        await temp.Store.FlushHeadAsync();
        await temp.AppendAsync(Request(Resource("containerd", Span(1, 3, 2, "runtime.v1.RuntimeService/ListContainers", 2, 5))));

        Assert.Equal([new DependencyEdge("apiserver", "etcd", 1, 0), new DependencyEdge("etcd", "containerd", 1, 0)],
            await DependenciesAsync(temp.Store));
    }
}
