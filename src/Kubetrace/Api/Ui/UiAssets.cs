using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace Kubetrace.Api.Ui;

/// <summary>
/// The web UI's files (Api/Ui/Site), embedded in the assembly at build time under the logical name
/// <c>ui/&lt;path&gt;</c>: the binary serves its UI with nothing beside it and no npm build. Read once; each
/// file carries a content hash as its ETag, so a browser revalidates cheaply after an upgrade.
/// </summary>
internal sealed class UiAssets
{
    private const string Prefix = "ui/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, UiAsset> _files;

    private UiAssets(FrozenDictionary<string, UiAsset> files) => _files = files;

    public static UiAssets Embedded { get; } = Load(typeof(UiAssets).Assembly);

    /// <summary>The file at <paramref name="path"/> (relative to Site, "/" separated), or null.</summary>
    public UiAsset? Find(string path) => _files.GetValueOrDefault(path);

    private static UiAssets Load(Assembly assembly)
    {
        var files = new Dictionary<string, UiAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var path = name[Prefix.Length..].Replace('\\', '/');
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
            files[path] = new UiAsset(bytes, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8))}\"");
        }
        return new UiAssets(files.ToFrozenDictionary(StringComparer.Ordinal));
    }
}

/// <summary>One embedded file: its bytes, media type and ETag.</summary>
internal sealed record UiAsset(byte[] Bytes, string ContentType, string ETag);
