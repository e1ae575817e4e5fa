namespace Kubetrace.Tests.Api;

/// <summary>The stores the storage suites run against (each suite has a subclass per backend).</summary>
public enum StoreBackend { Embedded, ClickHouse }
