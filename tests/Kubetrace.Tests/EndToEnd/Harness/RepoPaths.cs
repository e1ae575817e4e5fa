namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>Where the end-to-end tests find the repository, the shared conformance data and the JS clients.</summary>
internal static class RepoPaths
{
    /// <summary>The folder holding Kubetrace.slnx, found by walking up from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// The project's shared folder: <c>../shared</c> beside the clone (where CI lays it), else /work/shared (a
    /// developer machine); null when neither exists.
    /// </summary>
    public static string? Shared { get; } =
        new[] { Path.GetFullPath(Path.Combine(Root, "..", "shared")), "/work/shared" }.FirstOrDefault(Directory.Exists);

    public static string JsClients { get; } = Path.Combine(Root, "tests", "clients", "js");

    /// <summary>The kubetrace entry assembly, copied next to the test assembly by the project reference.</summary>
    public static string KubetraceDll { get; } = Path.Combine(AppContext.BaseDirectory, "kubetrace.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Kubetrace.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No Kubetrace.slnx above {AppContext.BaseDirectory}");
    }
}
