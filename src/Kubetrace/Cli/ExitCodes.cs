namespace Kubetrace.Cli;

/// <summary>Process exit codes of every <c>kubetrace</c> command.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Invalid configuration or a runtime failure.</summary>
    public const int Failure = 1;

    /// <summary>Wrong command-line usage.</summary>
    public const int Usage = 2;
}
