using Kubetrace.Pipeline;

namespace Kubetrace.Receivers.Otlp;

/// <summary>Why an export naming no valid tenant is refused: <see cref="Missing"/> is 401/UNAUTHENTICATED, else 400/INVALID_ARGUMENT.</summary>
internal readonly record struct TenantRefusal(bool Missing, string Message);

/// <summary>
/// The tenant of an export under <c>multitenancy_enabled</c>: read from <c>X-Scope-OrgID</c> before the body is,
/// and recorded on the batch's metadata for the store (<see cref="Tenants"/>). Without multitenancy the header is
/// ignored, as Tempo ignores it, and the spans are the single tenant's.
/// </summary>
internal static class ReceiverTenant
{
    /// <returns>Null when the export may go on (its tenant now in <paramref name="metadata"/>); otherwise the refusal.</returns>
    public static TenantRefusal? Apply(TraceExportService exports, string? header, ref IReadOnlyDictionary<string, string>? metadata)
    {
        if (!exports.MultitenancyEnabled) return null;
        var tenant = Tenants.FromHeader(header, out var error);
        if (tenant is null) return new TenantRefusal(error is null, error ?? Tenants.NoOrgId);
        // Refused here, before it is acknowledged: a batch processor behind would accept it and the store then drop it.
        if (exports.UnstorableTenant?.Invoke(tenant) is { } unstorable) return new TenantRefusal(false, unstorable);
        metadata = Tenants.WithTenant(metadata, tenant);
        return null;
    }
}
