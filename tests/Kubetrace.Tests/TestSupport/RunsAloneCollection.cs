namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// Tests whose bounds are process-wide or machine-wide (allocation under a gzip bomb, a server's resident set under a
/// flood, a slow client's timeout, a regex attack beside ingest) run alone, after the parallel tests, so that other
/// tests' work does not count against their bounds.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAloneCollection
{
    public const string Name = "tests that run alone";
}
