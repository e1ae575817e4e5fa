using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// Sends SIGTERM, the signal an operator (or Kubernetes) uses to stop a collector, and SIGKILL, a crash the
/// process cannot react to (the durability tests). Both through kill(2), so the test names the signal it sends.
/// </summary>
internal static class ProcessSignals
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    // DllImport rather than LibraryImport: the latter needs unsafe code enabled for the whole test project.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public static void Terminate(Process process) => Send(process, SigTerm, "SIGTERM");

    /// <summary>SIGKILL: the process ends at once, without running any shutdown code (as in a crash or an OOM kill).</summary>
    public static void KillNow(Process process) => Send(process, SigKill, "SIGKILL");

    private static void Send(Process process, int signal, string name)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            throw new PlatformNotSupportedException($"{name} is only available on Unix; the end-to-end tests need it.");
        if (Kill(process.Id, signal) != 0 && !process.HasExited)
            throw new InvalidOperationException($"kill({process.Id}, {name}) failed with errno {Marshal.GetLastPInvokeError()}");
    }
}
