using Kubetrace.Telemetry;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Components;

/// <summary>What every component gets besides its config: its identity, logging and the service's own metrics.</summary>
public sealed record ComponentSettings(ComponentId Id, ILoggerFactory LoggerFactory, MetricsRegistry Metrics, ServiceStatus Status)
{
    /// <summary>Where components of the same service find each other by ID (see <see cref="ComponentDirectory"/>).</summary>
    public ComponentDirectory Directory { get; init; } = new();

    /// <summary>Where the memory limiter asks components to give memory back (see <see cref="Components.MemoryPressure"/>).</summary>
    public MemoryPressure MemoryPressure { get; init; } = new();

    /// <summary>The configuration's <c>multitenancy_enabled</c> (<see cref="Pipeline.Tenants"/>).</summary>
    public bool MultitenancyEnabled { get; init; }

    /// <summary>The clock for what a component decides by time (when to look at a watched file again, how old fetched
    /// keys are, when the batch processor's timeout sends a partial batch); tests give a ManualClock.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public ILogger CreateLogger() => LoggerFactory.CreateLogger($"Kubetrace.{Id}");
}
