using System.CommandLine;
using Kubetrace.Storage.Check;

namespace Kubetrace.Cli;

/// <summary><c>kubetrace store check DIR</c>: verifies a store offline and lists the damage per file.</summary>
public static class StoreCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("DIR") { Description = "The store folder (the storage extension's directory: blocks/ and wal/)" };
        var check = new Command("check",
            "Verify a store offline (stopped, or a copy): block footers and every row group's chunk checksums, WAL records, " +
            "rollup sidecars. Lists each file with its damage; exits 1 when anything is damaged. Reads only")
        {
            directory,
        };
        check.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            IReadOnlyList<CheckedFile> files;
            try
            {
                files = StoreCheck.Run(parse.GetValue(directory)!);
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
        return new Command("store", "Work on a store's files offline") { check };
    }
}
