using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>
/// Sends SIGTERM, the signal an operator (or Kubernetes) uses to stop a collector. <see cref="Process.Kill()"/>
/// sends SIGKILL, which would skip the graceful shutdown these tests exist to check.
/// </summary>
internal static class ProcessSignals
{
    private const int SigTerm = 15;

    // DllImport rather than LibraryImport: the latter needs unsafe code enabled for the whole test project.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public static void Terminate(Process process)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            throw new PlatformNotSupportedException("SIGTERM is only available on Unix; the end-to-end tests need it.");
        if (Kill(process.Id, SigTerm) != 0 && !process.HasExited)
            throw new InvalidOperationException($"kill({process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}");
    }
}
