namespace Kubetrace.Tests.TestSupport;

/// <summary>Where tests find the repository, the shared conformance data and the JS clients.</summary>
internal static class RepoPaths
{
    /// <summary>The folder holding Kubetrace.slnx, found by walking up from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// Where the project's shared folder may be, in order: <c>../shared</c> beside the clone (where CI lays it), then
    /// /work/shared (a developer machine).
    /// </summary>
    private static readonly string[] SharedCandidates = [Path.GetFullPath(Path.Combine(Root, "..", "shared")), "/work/shared"];

    /// <summary>The first shared folder that exists; null when neither does.</summary>
    public static string? Shared { get; } = SharedCandidates.FirstOrDefault(Directory.Exists);

    public static string JsClients { get; } = Path.Combine(Root, "tests", "clients", "js");

    /// <summary>The kubetrace entry assembly, copied next to the test assembly by the project reference.</summary>
    /// <summary>The server the end-to-end tests start: the one built beside them, or <c>$KUBETRACE_TEST_DLL</c> (to
    /// run them against another build, e.g. to show a test fails without a change).</summary>
    public static string KubetraceDll { get; } =
        Environment.GetEnvironmentVariable("KUBETRACE_TEST_DLL") is { Length: > 0 } other ? other : Path.Combine(AppContext.BaseDirectory, "kubetrace.dll");

    /// <summary>The dotnet host running these tests (set by the dotnet CLI), so a child .NET process runs on the same runtime.</summary>
    public static string DotnetHost { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";

    /// <summary>This test assembly, runnable as a program (<see cref="TestHostProgram"/>).</summary>
    public static string TestAssembly { get; } = typeof(RepoPaths).Assembly.Location;

    /// <summary>A file of the shared folder (e.g. <c>conformance/otlp/trace.json</c>) from the first candidate that has it, or null.</summary>
    public static string? FindShared(string relativePath) =>
        SharedCandidates.Select(root => Path.Combine(root, relativePath)).FirstOrDefault(File.Exists);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Kubetrace.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No Kubetrace.slnx above {AppContext.BaseDirectory}");
    }
}
