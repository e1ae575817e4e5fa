using System.Globalization;
using System.Runtime.InteropServices;

namespace Kubetrace.Bench.Measurement;

/// <summary>CPU time and memory of a process, and the machine's CPU counters, as Linux reports them in /proc.</summary>
internal static partial class ProcFs
{
    private static readonly long ClockTicksPerSecond = ReadClockTicks();

    public static bool Available => File.Exists("/proc/self/stat");

    /// <summary>User plus system CPU time the process has used so far, or null when it is gone.</summary>
    public static TimeSpan? CpuTime(int pid)
    {
        var stat = TryRead($"/proc/{pid}/stat");
        if (stat is null) return null;
        // The command name (field 2) may contain spaces and parentheses: fields are counted after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((double)ticks / ClockTicksPerSecond);
    }

    /// <summary>Resident set size now (VmRSS) and its peak over the process's life (VmHWM), in KiB.</summary>
    public static (long RssKib, long PeakRssKib)? Memory(int pid)
    {
        var status = TryRead($"/proc/{pid}/status");
        if (status is null) return null;
        long rss = 0, peak = 0;
        foreach (var line in status.AsSpan().EnumerateLines())
        {
            if (line.StartsWith("VmRSS:")) rss = Kib(line);
            else if (line.StartsWith("VmHWM:")) peak = Kib(line);
        }
        return (rss, peak);
    }

    /// <summary>Busy and total CPU time of the whole machine, in clock ticks summed over all cores.</summary>
    public static (long Busy, long Total) MachineCpu()
    {
        var text = TryRead("/proc/stat");
        if (text is null) return (0, 0);
        var line = text.AsSpan(0, text.IndexOf('\n'));
        long total = 0, idle = 0, column = 0;
        foreach (var range in line.Split(' '))
        {
            var token = line[range];
            if (token.IsEmpty || token.SequenceEqual("cpu")) continue;
            var value = long.Parse(token, CultureInfo.InvariantCulture);
            column++;
            if (column <= 8) total += value; // user nice system idle iowait irq softirq steal; guest is inside user
            if (column is 4 or 5) idle += value;
        }
        return (total - idle, total);
    }

    /// <summary>The 1-minute load average, as <c>uptime</c> shows it.</summary>
    public static string LoadAverage() => TryRead("/proc/loadavg")?.Split(' ')[..3] is { } parts ? string.Join(' ', parts) : "unknown";

    private static long Kib(ReadOnlySpan<char> line)
    {
        var value = line[(line.IndexOf(':') + 1)..].Trim();
        return long.Parse(value[..value.IndexOf(' ')], CultureInfo.InvariantCulture);
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long ReadClockTicks()
    {
        try
        {
            var ticks = SysConf(2); // _SC_CLK_TCK
            return ticks > 0 ? ticks : 100;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 100;
        }
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);
}
