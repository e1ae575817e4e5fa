using System.CommandLine;
using Kubetrace.Storage;
using Kubetrace.Storage.Check;
using Kubetrace.Storage.Encryption;

namespace Kubetrace.Cli;

/// <summary><c>kubetrace store check DIR</c>: verifies a store offline and lists the damage per file;
/// <c>kubetrace store reencrypt --config FILE</c>: moves a stopped store's data to its newest key.</summary>
public static class StoreCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("DIR") { Description = "The store folder (the storage extension's directory: blocks/ and wal/)" };
        var checkConfig = StoreConfigOption.CreateConfig();
        var checkExporter = StoreConfigOption.CreateExporter();
        var check = new Command("check",
            "Verify a store offline (stopped, or a copy): block footers and every row group's chunk checksums, WAL records, " +
            "rollup sidecars. Lists each file with its damage; exits 1 when anything is damaged. Reads only. An encrypted " +
            "store is checked with the keys of --config")
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
                files = StoreCheck.Run(parse.GetValue(directory)!, keys);
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

    private static Command Reencrypt()
    {
        var config = StoreConfigOption.CreateConfig();
        var exporter = StoreConfigOption.CreateExporter();
        var command = new Command("reencrypt",
            "Rewrite a stopped store's data under the newest key of the kubetrace exporter's encryption::keys (the last listed): " +
            "the WAL goes into a block, every block under an older key (or none) is rewritten. Afterwards the older keys may be " +
            "removed from the configuration. With no keys configured, it decrypts the store")
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
            var options = settings.ToStoreOptions();
            var target = options.Keys.Active is { } active ? $"key \"{active.Id}\"" : "plaintext (no keys configured)";
            try
            {
                await using var store = EmbeddedTraceStore.Open(options);
                var (rewritten, damaged) = await store.ReencryptAsync(cancellationToken);
                output.WriteLine($"{options.Directory}: {rewritten} blocks rewritten to {target}; WAL records moved into a block");
                foreach (var block in damaged)
                    output.WriteLine($"  {block}: has damaged row groups, left under its old key (kubetrace store check lists the damage)");
                if (damaged.Count > 0) return ExitCodes.Failure;
                var older = options.Keys.Keys.Where(k => k != options.Keys.Active).Select(k => $"\"{k.Id}\"").ToList();
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
