using System.Collections.Concurrent;
using Kubetrace.Components;
using Kubetrace.Config;
using Kubetrace.Pipeline;

namespace Kubetrace.Tests.Config;

// Small real components for config and service tests, so that these tests do not depend on the real receivers and
// exporters (built by other helpers). Their config classes cover every kind of property the binder supports.

public sealed class TestReceiverConfig
{
    public TestProtocols Protocols { get; set; } = new();
}

public sealed class TestProtocols
{
    public TestServerConfig? Grpc { get; set; }

    public TestServerConfig? Http { get; set; }
}

public sealed class TestServerConfig
{
    public string Endpoint { get; set; } = "localhost:4317";

    [ConfigKey("max_recv_msg_size_mib")]
    public int MaxRecvMsgSizeMiB { get; set; } = 4;
}

public sealed class TestProcessorConfig : IValidatableConfig
{
    public int SendBatchSize { get; set; } = 8192;

    public int SendBatchMaxSize { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(200);

    public IEnumerable<ConfigProblem> Validate()
    {
        if (SendBatchMaxSize != 0 && SendBatchMaxSize < SendBatchSize)
            yield return new ConfigProblem("send_batch_max_size", "must be greater than or equal to send_batch_size");
    }
}

public enum TestVerbosity
{
    Basic,
    Normal,
    Detailed,
}

public sealed class TestRetryConfig
{
    public bool Enabled { get; set; } = true;

    public TimeSpan InitialInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(30);

    public double Multiplier { get; set; } = 1.5;
}

public sealed class TestExporterConfig : IValidatableConfig
{
    public string Endpoint { get; set; } = "";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    public TestRetryConfig RetryOnFailure { get; set; } = new();

    public Dictionary<string, string> Headers { get; set; } = [];

    public TestVerbosity Verbosity { get; set; } = TestVerbosity.Basic;

    [ConfigKey("log_level", "logLevel")]
    public string LogLevel { get; set; } = "info";

    public List<string> Tags { get; set; } = [];

    public long? MaxBytes { get; set; }

    /// <summary>Test behaviour: refuse every batch.</summary>
    public bool Fail { get; set; }

    public IEnumerable<ConfigProblem> Validate()
    {
        if (RetryOnFailure.MaxInterval < RetryOnFailure.InitialInterval)
            yield return new ConfigProblem("retry_on_failure.max_interval", "must be at least initial_interval");
    }
}

public sealed class TestExtensionConfig
{
    public string Endpoint { get; set; } = "localhost:0";
}

/// <summary>Everything the test components did, in order, for assertions on wiring and lifecycle.</summary>
public sealed class TestWorld
{
    public ConcurrentQueue<string> Events { get; } = new();

    public ConcurrentDictionary<string, TestReceiver> Receivers { get; } = new();

    public ConcurrentDictionary<string, TestExporter> Exporters { get; } = new();

    public ComponentCatalog Catalog => new(
    [
        new TestReceiverFactory(this),
        new TestProcessorFactory(this, "batch"),
        new TestProcessorFactory(this, "tag"),
        new TestExporterFactory(this, "otlp"),
        new TestExporterFactory(this, "debug"),
        new TestExtensionFactory(this),
    ]);
}

public abstract class TestComponent(TestWorld world, ComponentSettings settings, string kind) : IComponent
{
    protected TestWorld World { get; } = world;

    public string Name { get; } = $"{kind} {settings.Id}";

    public virtual Task StartAsync(CancellationToken cancellationToken)
    {
        World.Events.Enqueue($"start {Name}");
        return Task.CompletedTask;
    }

    public virtual Task ShutdownAsync(CancellationToken cancellationToken)
    {
        World.Events.Enqueue($"shutdown {Name}");
        return Task.CompletedTask;
    }
}

public sealed class TestReceiver(TestWorld world, ComponentSettings settings, ITraceConsumer next)
    : TestComponent(world, settings, "receiver"), IReceiver
{
    public ValueTask PushAsync(TraceBatch batch) => next.ConsumeAsync(batch, CancellationToken.None);
}

/// <summary>Records each batch it passes on; with send_batch_size above 1 it holds batches until shutdown, like batch.</summary>
public sealed class TestProcessor(TestWorld world, ComponentSettings settings, TestProcessorConfig config, ITraceConsumer next)
    : TestComponent(world, settings, "processor"), IProcessor
{
    private readonly List<TraceBatch> _held = [];

    public async ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        World.Events.Enqueue($"consume {Name}");
        if (config.SendBatchSize > 1)
        {
            lock (_held) _held.Add(batch);
            return;
        }
        await next.ConsumeAsync(batch, cancellationToken);
    }

    public override async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        await base.ShutdownAsync(cancellationToken);
        TraceBatch[] held;
        lock (_held)
        {
            held = [.. _held];
            _held.Clear();
        }
        foreach (var batch in held) await next.ConsumeAsync(batch, cancellationToken);
    }
}

public sealed class TestExporter(TestWorld world, ComponentSettings settings, TestExporterConfig config)
    : TestComponent(world, settings, "exporter"), IExporter
{
    public ConcurrentQueue<TraceBatch> Received { get; } = new();

    public bool IsShutDown { get; private set; }

    public ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        if (IsShutDown) throw new InvalidOperationException($"{Name} received data after shutdown");
        if (config.Fail) throw ConsumerException.Unavailable($"{Name} is down");
        Received.Enqueue(batch);
        World.Events.Enqueue($"export {Name}");
        return ValueTask.CompletedTask;
    }

    public override async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        await base.ShutdownAsync(cancellationToken);
        IsShutDown = true;
    }
}

public sealed class TestExtension(TestWorld world, ComponentSettings settings) : TestComponent(world, settings, "extension"), IExtension;

public sealed class TestReceiverFactory(TestWorld world) : ComponentFactory<TestReceiverConfig>("otlp", ComponentKind.Receiver), IReceiverFactory
{
    public IReceiver Create(ComponentSettings settings, object config, ITraceConsumer next) =>
        world.Receivers[settings.Id.ToString()] = new TestReceiver(world, settings, next);
}

public sealed class TestProcessorFactory(TestWorld world, string type) : ComponentFactory<TestProcessorConfig>(type, ComponentKind.Processor), IProcessorFactory
{
    public IProcessor Create(ComponentSettings settings, object config, ITraceConsumer next) =>
        new TestProcessor(world, settings, (TestProcessorConfig)config, next);
}

public sealed class TestExporterFactory(TestWorld world, string type) : ComponentFactory<TestExporterConfig>(type, ComponentKind.Exporter), IExporterFactory
{
    public IExporter Create(ComponentSettings settings, object config) =>
        world.Exporters[settings.Id.ToString()] = new TestExporter(world, settings, (TestExporterConfig)config);
}

public sealed class TestExtensionFactory(TestWorld world) : ComponentFactory<TestExtensionConfig>("health_check", ComponentKind.Extension), IExtensionFactory
{
    public IExtension Create(ComponentSettings settings, object config) => new TestExtension(world, settings);
}
