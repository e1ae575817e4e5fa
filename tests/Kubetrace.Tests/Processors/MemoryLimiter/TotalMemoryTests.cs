using Kubetrace.Processors.MemoryLimiter;

namespace Kubetrace.Tests.Processors.MemoryLimiter;

public sealed class TotalMemoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kubetrace-cgroup-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Theory]
    [InlineData("536870912\n", 536870912L)] // cgroup v2 memory.max with a limit
    [InlineData("max\n", null)] // cgroup v2 without a limit
    [InlineData("9223372036854771712\n", null)] // cgroup v1 without a limit
    [InlineData("garbage", null)]
    public void Reads_the_cgroup_limit_when_there_is_one(string content, long? expected)
    {
        Assert.Equal(expected, TotalMemory.ReadCgroupLimit([Write("memory.max", content)]));
    }

    [Fact]
    public void Without_cgroup_files_falls_back_to_what_the_gc_sees()
    {
        Assert.Null(TotalMemory.ReadCgroupLimit([Path.Combine(_dir, "absent")]));
        Assert.True(TotalMemory.Read() > 0);
    }
}
