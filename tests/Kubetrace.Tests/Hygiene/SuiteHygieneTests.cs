using System.Text.RegularExpressions;

namespace Kubetrace.Tests.Hygiene;

/// <summary>
/// The suite checks its own sources for the patterns that make a test flaky on a busy machine or let it pass
/// without checking anything (issue 18). Each rule names the file and line of every offence and what to use instead.
/// </summary>
public sealed partial class SuiteHygieneTests
{
    private static readonly string TestsRoot = Path.Combine(RepoPaths.Root, "tests", "Kubetrace.Tests");

    /// <summary>Every C# source of the test project with its path relative to the project, bin and obj excluded.</summary>
    private static readonly Lazy<(string Path, string[] Lines)[]> Sources = new(() =>
        Directory.EnumerateFiles(TestsRoot, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(TestsRoot, path).Replace('\\', '/'))
            .Where(path => !path.StartsWith("bin/", StringComparison.Ordinal) && !path.StartsWith("obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(path => (path, File.ReadAllLines(Path.Combine(TestsRoot, path))))
            .ToArray());

    /// <summary>This file spells the patterns it looks for.</summary>
    private const string Self = "Hygiene/SuiteHygieneTests.cs";

    [Fact]
    public void No_test_builds_its_own_deadline_from_the_wall_clock()
    {
        AssertNone(Offences(WallClockDeadline()), "waits go through TestSupport/Wait (a condition and a message), time-driven behaviour through ManualClock");
    }

    [Fact]
    public void No_test_bounds_how_long_something_took()
    {
        // Lower bounds too: a wait the code chose is read from ManualClock.TimersAsked, exactly, instead of timed.
        AssertNone(Offences(BoundOnElapsed()), "a busy CI machine is slow, not broken: assert the outcome, and measure speed with a benchmark");
    }

    [Fact]
    public void No_test_waits_by_sleeping_a_task()
    {
        // A delay that stands for something else says which: a handler that never answers (Timeout.Infinite),
        // cancellable simulated work or pacing (a token), or a time something must NOT happen in (`// not a wait`).
        AssertNone(Offences(TaskDelay(), allowedIn: HarnessFiles, allowedWhere: line => DelayThatIsNoWait().IsMatch(line)),
            "wait for a condition with Wait.UntilAsync (it fails saying what was awaited); a delay that is no wait says so with `// not a wait: ...`");
    }

    [Fact]
    public void No_test_times_what_it_runs()
    {
        // Timing belongs to the benchmarks; a Stopwatch in a test ends up in a bound or a printed figure.
        AssertNone(Offences(StopwatchUse(), allowedIn: [.. HarnessFiles,
                "EndToEnd/Harness/AcknowledgedTraffic.cs", // when each client stopped, to check it was after the kill
                "EndToEnd/SeedConfigTests.cs"]), // how long to retry the Collector's fixed ports, not a bound on the server
            "assert the outcome (Wait.UntilAsync for something that takes time, ManualClock.TimersAsked for a delay the code chose)");
    }

    [Fact]
    public void Ports_are_chosen_where_the_server_is_started_again_on_a_bind_race()
    {
        AssertNone(Offences(PortsTakenAlone(), allowedIn: [.. HarnessFiles,
                "EndToEnd/Harness/LocalAgentTopology.cs"]), // the gateway's ports outlive its restarts; it chooses again on a bind race itself
            "start the server inside FreePorts.StartOnFreshAsync (a port chosen and released can be taken before the server binds it)");
    }

    [Fact]
    public void No_test_sleeps_a_thread()
    {
        AssertNone(Offences(ThreadSleep(), allowedWhere: line => line.Contains("// simulated work", StringComparison.Ordinal)),
            "wait for a condition with Wait.UntilAsync; a sleep that stands for slow work says so with `// simulated work`");
    }

    [Fact]
    public void Skips_go_through_Requires_so_that_CI_fails_instead()
    {
        AssertNone(Offences(SkipCall(), allowedIn: ["TestSupport/Requires.cs"]),
            "use Requires.Present / Requires.SharedFile: a skip on a developer machine, a failure under CI=true");
        AssertNone(Offences(SkipInAttribute()), "a test that cannot run is removed or made to run, not skipped forever");
        AssertNone(Offences(SkipSetOtherwise()),
            "a test attribute skips through Requires.SkipReason, which gives no reason under CI=true (the test then runs and fails)");
        AssertNone(Offences(CiVariableRead(), allowedIn: ["TestSupport/Requires.cs"]), "ask Requires.InCi");
    }

    [Fact]
    public void No_test_passes_by_returning_early()
    {
        var offences = new List<string>();
        foreach (var (path, lines) in Sources.Value)
        {
            if (path == Self) continue;
            foreach (var (start, end) in TestMethodBodies(lines))
                offences.AddRange(ReturnsBeforeAsserting(lines, start, end).Select(i => $"{path}:{i + 1}: {lines[i].Trim()}"));
        }
        AssertNone(offences, "a test that cannot run here skips through Requires (a `return;` before the first assertion passes silently)");
    }

    [Fact]
    public void No_exception_is_swallowed_without_saying_why()
    {
        var offences = new List<string>();
        foreach (var (path, lines) in Sources.Value)
        {
            if (path == Self) continue;
            offences.AddRange(SilentCatches(lines).Select(i => $"{path}:{i + 1}: {lines[i].Trim()}"));
        }
        AssertNone(offences, "an empty catch says in a comment why the exception is no failure (a cleanup, a stop, a retry), or the test lets it fail");
    }

    [Fact]
    public void No_test_server_listens_on_a_fixed_port()
    {
        // Configs that are only parsed, never started, may name any port.
        AssertNone(Offences(FixedListenPort(), allowedIn: ["Receivers/OtlpReceiverConfigTests.cs", "Kubernetes/TracingConfig/CommandTests.cs"]),
            "take ports from FreePorts.StartOnFreshAsync (or bind port 0); the seed config's fixed ports are SeedConfigTests' alone");
    }

    [Fact]
    public void No_test_changes_state_the_whole_test_process_shares()
    {
        AssertNone(Offences(ProcessWideChange()),
            "test classes run in parallel in one process: give the code under test its own (an environment function, a folder, a writer) instead");
    }

    [Fact]
    public void Clocks_and_signals_come_from_the_shared_harness()
    {
        AssertNone(Offences(OwnTimeProvider(), allowedIn: ["TestSupport/ManualClock.cs"]), "use TestSupport/ManualClock");
        // One fake clock: ManualClock is FakeTimeProvider's timers with what the suite adds (TimersAsked, PassNextTimerAsync).
        AssertNone(Offences(FakeClock(), allowedIn: ["TestSupport/ManualClock.cs"]), "use TestSupport/ManualClock (a FakeTimeProvider that records its timers)");
        AssertNone(Offences(PInvoke(), allowedIn: ["TestSupport/ProcessSignals.cs"]), "use TestSupport/ProcessSignals");
    }

    [Fact]
    public void The_rules_find_what_they_are_meant_to_find()
    {
        // Each rule against a line it must flag and a near miss it must let pass, so that a rule cannot rot into
        // one that finds nothing.
        Assert.Matches(WallClockDeadline(), "        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);");
        Assert.Matches(WallClockDeadline(), "        for (var deadline = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < deadline; )");
        Assert.DoesNotMatch(WallClockDeadline(), "        var response = await client.ExportAsync(request, deadline: DateTime.UtcNow + RequestTimeout);");
        Assert.Matches(BoundOnElapsed(), "        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $\"took {clock.Elapsed}\");");
        Assert.Matches(BoundOnElapsed(), "        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));");
        Assert.Matches(BoundOnElapsed(), "        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(399));");
        Assert.DoesNotMatch(BoundOnElapsed(), "        for (var i = 0; clock.Elapsed < patience; i++)");
        Assert.Matches(BoundOnElapsed(), "            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3), \"the fan-out waited\");");
        Assert.Matches(BoundOnElapsed(), "        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(3));");
        Assert.Matches(BoundOnElapsed(), "        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(600));");
        Assert.DoesNotMatch(BoundOnElapsed(), "        Assert.Equal([TimeSpan.FromMilliseconds(600)], clock.TimersAsked);");
        Assert.Matches(TaskDelay(), "        await Task.Delay(50);");
        Assert.DoesNotMatch(DelayThatIsNoWait(), "        await Task.Delay(TimeSpan.FromSeconds(2)); // clients go on meanwhile");
        Assert.DoesNotMatch(DelayThatIsNoWait(), "        await Task.Delay(500, CancellationToken.None);");
        Assert.Matches(DelayThatIsNoWait(), "        await Task.Delay(200); // not a wait: a time in which no caller may be accepted");
        Assert.Matches(DelayThatIsNoWait(), "                await Task.Delay(10, _stop.Token);");
        Assert.Matches(DelayThatIsNoWait(), "            await Task.Delay(delay, cancellationToken);");
        Assert.Matches(DelayThatIsNoWait(), "        var answered = await Run(context => Task.Delay(Timeout.Infinite, context.RequestAborted));");
        Assert.Matches(StopwatchUse(), "        var clock = Stopwatch.StartNew();");
        Assert.Matches(StopwatchUse(), "        var started = System.Diagnostics.Stopwatch.GetTimestamp();");
        Assert.Matches(PortsTakenAlone(), "        var ports = FreePorts.Take(3);");
        Assert.Matches(SkipCall(), "        Skip.If(path is null, \"missing\");");
        Assert.Matches(SkipInAttribute(), "    [Fact(Skip = \"flaky\")]");
        Assert.Matches(SkipSetOtherwise(), "            Skip = \"node is not installed\";");
        Assert.DoesNotMatch(SkipSetOtherwise(), "    public RequiresSharedFolderFactAttribute() => Skip = Requires.SkipReason(missing);");
        Assert.DoesNotMatch(SkipSetOtherwise(), "    public X() => Skip = RequiresClickHouseFactAttribute.SkipReason ??");
        Assert.Matches(CiVariableRead(), "        if (Environment.GetEnvironmentVariable(\"CI\") == \"true\") return;");
        Assert.Matches(ReturnStatement(), "        if (!OperatingSystem.IsLinux()) return; // POSIX only");
        Assert.DoesNotMatch(ReturnStatement(), "        return result;");
        Assert.Matches(FixedListenPort(), "                endpoint: 127.0.0.1:4317");
        Assert.Matches(FixedListenPort(), "      address: \"localhost:8888\"");
        Assert.DoesNotMatch(FixedListenPort(), "                endpoint: 127.0.0.1:{ports[0]}");
        Assert.DoesNotMatch(FixedListenPort(), "      address: 127.0.0.1:0");
        Assert.Matches(OwnTimeProvider(), "internal sealed class ManualTime : TimeProvider");
        Assert.Matches(FakeClock(), "        var time = new FakeTimeProvider();");
        Assert.Matches(ProcessWideChange(), "        Environment.SetEnvironmentVariable(\"KUBETRACE_DATA\", dir);");
        Assert.Matches(ProcessWideChange(), "        Console.SetOut(writer);");
        Assert.Matches(ProcessWideChange(), "        Directory.SetCurrentDirectory(folder.Path);");
        Assert.Matches(ProcessWideChange(), "        CultureInfo.CurrentCulture = new CultureInfo(\"de-DE\");");
        Assert.DoesNotMatch(ProcessWideChange(), "        start.Environment[\"DOTNET_gcServer\"] = \"0\";");
        Assert.DoesNotMatch(ProcessWideChange(), "        var value = Environment.GetEnvironmentVariable(\"CI\");");

        string[] test =
        [
            "    [SkippableFact]",
            "    public async Task Sends()",
            "    {",
            "        if (x) return;",
            "        var json = \"\"\"{\"a\":{}}\"\"\";",
            "    }",
            "    private static void Helper() { return; }",
        ];
        Assert.Equal([0, 3], SilentCatches(["        catch (IOException) { }", "        catch (IOException) { /* held open */ }",
            "        catch (SocketException)", "        catch (ObjectDisposedException) when (stopping)", "        {", "        }",
            "        catch (InvalidDataException)", "        {", "            // the one allowed", "        }"]));
        Assert.Equal([(2, 5)], TestMethodBodies(test));
        Assert.Equal([3], ReturnsBeforeAsserting(test, 2, 5));
        Assert.Empty(ReturnsBeforeAsserting(["    {", "        if (v == \"1.27\")", "        {", "            Assert.Equal(1, n);", "            return;", "        }", "    }"], 0, 6));
    }

    /// <summary>The lines of the catch clauses whose block holds neither code nor a comment.</summary>
    private static IEnumerable<int> SilentCatches(string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            var at = CatchClause().Match(lines[i]);
            if (!at.Success) continue;
            var rest = lines[i][(at.Index + at.Length)..];
            var (open, from) = rest.Contains('{') ? (i, rest[rest.IndexOf('{')..]) : (i + 1, i + 1 < lines.Length ? lines[i + 1].Trim() : "");
            if (!from.StartsWith('{')) continue;
            var block = from;
            for (var j = open + 1; block.Count(c => c == '{') > block.Count(c => c == '}') && j < lines.Length; j++) block += "\n" + lines[j];
            var end = block.IndexOf('}');
            if (end > 0 && block[1..end].Trim().Length == 0) yield return i;
        }
    }

    /// <summary>The lines of a test body with a <c>return;</c> before the body's first assertion.</summary>
    private static IEnumerable<int> ReturnsBeforeAsserting(string[] lines, int start, int end)
    {
        for (var i = start; i <= end && !lines[i].Contains("Assert", StringComparison.Ordinal); i++)
            if (ReturnStatement().IsMatch(lines[i])) yield return i;
    }

    private static List<string> Offences(Regex pattern, string[]? allowedIn = null, Func<string, bool>? allowedWhere = null)
    {
        var offences = new List<string>();
        foreach (var (path, lines) in Sources.Value)
        {
            if (path == Self || allowedIn?.Contains(path) == true) continue;
            for (var i = 0; i < lines.Length; i++)
                if (pattern.IsMatch(lines[i]) && allowedWhere?.Invoke(lines[i]) != true) offences.Add($"{path}:{i + 1}: {lines[i].Trim()}");
        }
        return offences;
    }

    private static void AssertNone(List<string> offences, string instead) =>
        Assert.True(offences.Count == 0, $"{offences.Count} offence(s); {instead}:\n{string.Join("\n", offences)}");

    /// <summary>
    /// The line ranges (first and last line, zero-based) of the bodies of methods marked as tests (any attribute
    /// ending in Fact or Theory), found by matching braces from the method's opening one.
    /// </summary>
    private static List<(int Start, int End)> TestMethodBodies(string[] lines)
    {
        var bodies = new List<(int, int)>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!TestAttribute().IsMatch(lines[i])) continue;
            var open = i + 1;
            while (open < lines.Length && (lines[open].TrimStart().StartsWith('[') || !lines[open].Contains('(')) && !lines[open].Contains('{')) open++;
            while (open < lines.Length && !lines[open].Contains('{') && !lines[open].Contains("=>", StringComparison.Ordinal)) open++;
            if (open >= lines.Length || !lines[open].Contains('{')) continue; // expression-bodied: no statements
            var depth = 0;
            for (var j = open; j < lines.Length; j++)
            {
                depth += lines[j].Count(c => c == '{') - lines[j].Count(c => c == '}');
                if (depth > 0) continue;
                bodies.Add((open, j));
                i = j;
                break;
            }
        }
        return bodies;
    }

    [GeneratedRegex(@"\bdeadline\s*=\s*DateTime\.(Utc)?Now")]
    private static partial Regex WallClockDeadline();

    [GeneratedRegex(@"Assert\.\w+\(.*(Elapsed|UtcNow\s*-\s*\w+|GetElapsedTime\([^)]*\))\s*[<>]|InRange\([^,]*Elapsed")]
    private static partial Regex BoundOnElapsed();

    /// <summary>The harness itself: its waits and process starts are where delays, clocks and port choices live.</summary>
    private static readonly string[] HarnessFiles = [.. Sources.Value.Select(s => s.Path).Where(p => p.StartsWith("TestSupport/", StringComparison.Ordinal))];

    [GeneratedRegex(@"\bTask\.Delay\(")]
    private static partial Regex TaskDelay();

    [GeneratedRegex(@"Timeout\.Infinite|//\s*not a wait\b|\bTask\.Delay\([^;]*,\s*[\w.]*(Token|token|stop)\b(?!\.None)")]
    private static partial Regex DelayThatIsNoWait();

    [GeneratedRegex(@"\bStopwatch\b")]
    private static partial Regex StopwatchUse();

    [GeneratedRegex(@"\bFreePorts\.Take\(")]
    private static partial Regex PortsTakenAlone();

    [GeneratedRegex(@"\bThread\.Sleep\(")]
    private static partial Regex ThreadSleep();

    [GeneratedRegex(@"\bSkip\.(If|IfNot)\(")]
    private static partial Regex SkipCall();

    [GeneratedRegex(@"\[\w*(Fact|Theory)\(.*\bSkip\s*=")]
    private static partial Regex SkipInAttribute();

    [GeneratedRegex(@"\bSkip\s*=(?![=>])(?!\s*(Requires(ClickHouseFactAttribute)?\.)?SkipReason\b)")]
    private static partial Regex SkipSetOtherwise();

    [GeneratedRegex(@"GetEnvironmentVariable\(\s*""CI""")]
    private static partial Regex CiVariableRead();

    [GeneratedRegex(@"\bcatch\b(\s*\([^)]*\))?(\s*when\s*\(.*\))?")]
    private static partial Regex CatchClause();

    [GeneratedRegex(@"^\s*\[\w*(Fact|Theory)\b")]
    private static partial Regex TestAttribute();

    [GeneratedRegex(@"(^|[\s;{}])return;")]
    private static partial Regex ReturnStatement();

    [GeneratedRegex(@"\b(endpoint|address):\s*""?(127\.0\.0\.1|localhost|0\.0\.0\.0|\[::1?\]|\[::\]):[1-9]\d*\b")]
    private static partial Regex FixedListenPort();

    [GeneratedRegex(@"\bEnvironment\.SetEnvironmentVariable\(|\bDirectory\.SetCurrentDirectory\(|\bEnvironment\.CurrentDirectory\s*=[^=]|\bConsole\.Set(Out|Error|In)\(|\bCultureInfo\.(Current|DefaultThreadCurrent)U?I?Culture\s*=[^=]|\bThreadPool\.Set(Min|Max)Threads\(|\bAppContext\.SetSwitch\(")]
    private static partial Regex ProcessWideChange();

    [GeneratedRegex(@"class\s+\w+(\([^)]*\))?\s*:\s*TimeProvider\b")]
    private static partial Regex OwnTimeProvider();

    [GeneratedRegex(@"\bFakeTimeProvider\b")]
    private static partial Regex FakeClock();

    [GeneratedRegex(@"\[(DllImport|LibraryImport)\(")]
    private static partial Regex PInvoke();
}
