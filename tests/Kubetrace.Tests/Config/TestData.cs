using System.Runtime.CompilerServices;
using Kubetrace.Config;

namespace Kubetrace.Tests.Config;

/// <summary>Loads YAML files from Config/testdata (found next to this source file, so no copy step is needed).</summary>
public static class TestData
{
    public static string Directory { get; } = Path.Combine(SourceDirectory(), "testdata");

    public static string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>Loads a testdata file, naming it by its file name in diagnostics so that expected messages are short.</summary>
    public static ConfigLoadResult Load(string name, ComponentCatalog catalog, IReadOnlyDictionary<string, string>? environment = null)
    {
        var loader = new ConfigLoader(catalog, environment is null ? _ => null : key => environment.GetValueOrDefault(key));
        return loader.Load(File.ReadAllText(PathOf(name)), Path.GetFileName(name));
    }

    public static ServiceConfig LoadValid(string name, ComponentCatalog catalog, IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = Load(name, catalog, environment);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Config!;
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
