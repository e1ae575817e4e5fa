namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// Runs the repository's scripts that build <c>src/Kubetrace</c> in Release (<c>install-tool.sh</c> packs it,
/// <c>build-image.sh</c> publishes it for a runtime) one at a time. They share the project's <c>obj/</c> folder, and
/// each restore rewrites <c>obj/project.assets.json</c> for its own runtime: two at once, as parallel test
/// collections would run them, break each other's build.
/// </summary>
internal static class ReleaseBuilds
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public static async Task<CommandResult> RunScriptAsync(string script, params string[] args)
    {
        await OneAtATime.WaitAsync();
        try
        {
            return await CommandLine.RunAsync("bash", [Path.Combine(RepoPaths.Root, "scripts", script), .. args]);
        }
        finally
        {
            OneAtATime.Release();
        }
    }
}
