namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// Who sends a request to the apiserver: the identity API Priority and Fairness and the 1.33+ parent rule look at,
/// what the handler span records (<c>client</c>, <c>user-agent</c>, <c>accept</c>), and the component whose client
/// spans trace the call (null for callers without tracing, whose requests start a trace with no link).
/// </summary>
internal sealed record ApiCaller(string User, string UserAgent, string ClientIp, string Accept, bool Privileged, SimulatedComponent? Traced)
{
    /// <summary>Each instance is a distinct, shared definition: equal only to itself (and cheap to hash as a key).</summary>
    public bool Equals(ApiCaller? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    /// <summary>The client's source port (<c>net.peer.port</c>): one per caller, from its address, so runs repeat.</summary>
    public int ClientPort => field != 0 ? field : field = 32768 + (int)(StableHash.Fnv(ClientIp + UserAgent) % 28000);

    public const string ProtobufAccept = "application/vnd.kubernetes.protobuf,application/json";
    public const string JsonAccept = "application/json";
}
