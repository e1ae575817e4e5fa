// Namespace is not Kubetrace.Tests.Otlp: that would shadow Kubetrace.Otlp for tests elsewhere that write "Otlp.Proto...".
namespace Kubetrace.Tests.OtlpCodec;

/// <summary>Finds the project's shared folder (conformance payloads): ../shared beside the repository, else /work/shared.</summary>
internal static class SharedFiles
{
    public static string? Find(string relativePath)
    {
        foreach (var root in Candidates())
        {
            var path = Path.Combine(root, relativePath);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    private static IEnumerable<string> Candidates()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (dir.EnumerateFiles("*.slnx").Any() || Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")))
            {
                yield return Path.Combine(dir.Parent?.FullName ?? dir.FullName, "shared");
                break;
            }
        }
        yield return "/work/shared";
    }
}
