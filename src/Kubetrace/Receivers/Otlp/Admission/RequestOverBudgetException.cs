namespace Kubetrace.Receivers.Otlp.Admission;

/// <summary>A request's bytes, as they were read, no longer fit in the in-flight budget; its lease says how to answer.</summary>
internal sealed class RequestOverBudgetException(InFlightLease lease) : Exception("request does not fit in the in-flight bytes budget")
{
    public InFlightLease Lease { get; } = lease;
}
