namespace Kubetrace.Tests.Receivers;

/// <summary>
/// Tests that measure process-wide allocation or timing (gzip bombs, slow clients) run alone, after the parallel
/// tests, so that other tests' work does not count against their bounds.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredAloneCollection
{
    public const string Name = "receiver tests measured alone";
}
