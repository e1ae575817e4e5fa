namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>
/// A theory that needs node and the JS clients' node_modules (tests/clients/js). Skipped with the reason on a
/// developer machine without them; under CI (CI=true) never skipped, so a broken CI setup fails loudly instead
/// of passing with fewer tests.
/// </summary>
public sealed class RequiresNodeClientsTheoryAttribute : TheoryAttribute
{
    public RequiresNodeClientsTheoryAttribute() => Skip = Requires.SkipReason(
        NodeClient.NodeExecutable is null ? "node is not installed (apt-get install nodejs npm); the JS client tests need it"
        : !Directory.Exists(Path.Combine(RepoPaths.JsClients, "node_modules")) ? "tests/clients/js/node_modules is missing: run `npm ci` there (./test.sh does it when npm exists)"
        : null);
}

/// <summary>
/// A fact that needs the project's shared folder (../shared beside the clone, or /work/shared): skipped with the
/// reason when it is absent, never under CI, where it is always laid beside the clone.
/// </summary>
public sealed class RequiresSharedFolderFactAttribute : FactAttribute
{
    public RequiresSharedFolderFactAttribute() => Skip = Requires.SkipReason(RepoPaths.Shared is null
        ? $"the shared folder is missing (looked for {Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared"))} and /work/shared)"
        : null);
}
