using System.CommandLine;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Storage.Check;
using Kubetrace.Storage.Encryption;

namespace Kubetrace.Cli;

/// <summary><c>kubetrace store check DIR</c>: verifies a store offline and lists the damage per file;
/// <c>kubetrace store reencrypt --config FILE</c>: moves a stopped store's data to its newest key. Both work on
/// every tenant's store of the data folder (<see cref="KubetraceExporterConfig.StoredTenants"/>): the folder's own
/// and each <c>tenants/ID</c>.</summary>
public static class StoreCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("DIR") { Description = "The store folder (the kubetrace exporter's path: blocks/, wal/ and tenants/*)" };
        var checkConfig = StoreConfigOption.CreateConfig();
        var checkExporter = StoreConfigOption.CreateExporter();
        var check = new Command("check",
            "Verify a store offline (stopped, or a copy): block footers and every row group's chunk checksums, WAL records, " +
            "rollup sidecars, of the folder's store and every tenant's (tenants/ID). Lists each file with its damage; exits 1 " +
            "when anything is damaged. Reads only. An encrypted store is checked with the keys of --config")
        {
            directory, checkConfig, checkExporter,
        };
        check.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            IReadOnlyList<CheckedFile> files;
            var keys = StoreKeyRing.None;
            if (parse.GetValue(checkConfig) is { Length: > 0 } configFiles)
            {
                if (StoreConfigOption.Load(configFiles, [], parse.GetValue(checkExporter), "check", parse.InvocationConfiguration.Error) is not { } config)
                    return ExitCodes.Failure;
                keys = config.Encryption.ToKeyRing();
            }
            try
            {
                files = CheckEveryTenant(parse.GetValue(directory)!, keys);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"kubetrace store check: {e.Message}");
                return ExitCodes.Failure;
            }
            var width = files.Count == 0 ? 0 : files.Max(f => f.Path.Length);
            foreach (var file in files)
            {
                output.WriteLine($"{file.Path.PadRight(width)}  {(file.Damaged ? "DAMAGED" : "ok     ")}  {file.Contents}");
                foreach (var damage in file.Damage) output.WriteLine($"{new string(' ', width)}    - {damage}");
            }
            var damaged = files.Count(f => f.Damaged);
            output.WriteLine($"checked {files.Count} files: {(damaged == 0 ? "no damage" : $"{damaged} damaged")}");
            return damaged == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return new Command("store", "Work on a store's files offline") { check, Reencrypt() };
    }

    /// <summary>
    /// The files of every tenant's store, named relative to <paramref name="dataFolder"/> (<c>tenants/acme/blocks/…</c>).
    /// The folder's own store may be missing when tenants' are there (a copy of one tenant's); none at all is an error.
    /// </summary>
    private static List<CheckedFile> CheckEveryTenant(string dataFolder, StoreKeyRing keys)
    {
        var files = new List<CheckedFile>();
        foreach (var tenant in KubetraceExporterConfig.StoredTenants(dataFolder))
        {
            var folder = KubetraceExporterConfig.TenantDirectory(dataFolder, tenant);
            try
            {
                files.AddRange(StoreCheck.Run(folder, keys).Select(f => f with { Path = Path.GetRelativePath(dataFolder, Path.Combine(folder, f.Path)) }));
            }
            catch (DirectoryNotFoundException) when (tenant == Tenants.SingleTenant && Directory.Exists(Path.Combine(dataFolder, KubetraceExporterConfig.TenantsFolder)))
            {
                // only tenants' stores here
            }
        }
        return files;
    }

    private static Command Reencrypt()
    {
        var config = StoreConfigOption.CreateConfig();
        var exporter = StoreConfigOption.CreateExporter();
        var command = new Command("reencrypt",
            "Rewrite a stopped store's data under the newest key of the kubetrace exporter's encryption::keys (the last listed): " +
            "the WAL goes into a block, every block under an older key (or none) is rewritten. Afterwards the older keys may be " +
            "removed from the configuration. With no keys configured, it decrypts the store. Works on the data folder's store and every " +
            "tenant's (tenants/ID)")
        {
            config, exporter,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (parse.GetValue(config) is not { Length: > 0 } files)
            {
                error.WriteLine("kubetrace store reencrypt: --config is required (the configuration holding the kubetrace exporter and its keys)");
                return ExitCodes.Failure;
            }
            if (StoreConfigOption.Load(files, [], parse.GetValue(exporter), "reencrypt", error) is not { } settings) return ExitCodes.Failure;
            var keys = settings.Encryption.ToKeyRing();
            var target = keys.Active is { } active ? $"key \"{active.Id}\"" : "plaintext (no keys configured)";
            try
            {
                var anyDamaged = false;
                foreach (var tenant in KubetraceExporterConfig.StoredTenants(settings.ResolvedPath()))
                {
                    var options = settings.ToStoreOptions(tenant: tenant);
                    await using var store = EmbeddedTraceStore.Open(options);
                    var (rewritten, damaged) = await store.ReencryptAsync(cancellationToken);
                    output.WriteLine($"{options.Directory}: {rewritten} blocks rewritten to {target}; WAL records moved into a block");
                    foreach (var block in damaged)
                        output.WriteLine($"  {block}: has damaged row groups, left under its old key (kubetrace store check lists the damage)");
                    anyDamaged |= damaged.Count > 0;
                }
                if (anyDamaged) return ExitCodes.Failure;
                var older = keys.Keys.Where(k => k != keys.Active).Select(k => $"\"{k.Id}\"").ToList();
                if (older.Count > 0) output.WriteLine($"no data needs key {string.Join(", ", older)} any more: it may be removed from encryption::keys");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is StoreKeyException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"kubetrace store reencrypt: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
