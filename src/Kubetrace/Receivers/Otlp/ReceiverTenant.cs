using Kubetrace.Extensions.Auth;
using Kubetrace.Pipeline;

namespace Kubetrace.Receivers.Otlp;

/// <summary>Why an export is refused for its tenant, and how: 401/UNAUTHENTICATED, 400/INVALID_ARGUMENT or 403/PERMISSION_DENIED.</summary>
internal enum TenantRefusalKind { Missing, Invalid, Forbidden }

internal readonly record struct TenantRefusal(TenantRefusalKind Kind, string Message);

/// <summary>
/// The tenant of an export under <c>multitenancy_enabled</c>: read from <c>X-Scope-OrgID</c> before the body is,
/// or, on a listener whose <c>auth</c> names a <c>tenant_claim</c>, from the authenticated principal (a header may
/// then only repeat it: an agent cannot write into another tenant); recorded on the batch's metadata for the store
/// (<see cref="Tenants"/>). Without multitenancy the header is ignored, as Tempo ignores it, and the spans are the
/// single tenant's.
/// </summary>
internal static class ReceiverTenant
{
    /// <param name="principal">Who the listener's authenticator found the sender to be (null without auth).</param>
    /// <param name="tenantClaim">The listener's <c>auth.tenant_claim</c> (null: the header decides).</param>
    /// <returns>Null when the export may go on (its tenant now in <paramref name="metadata"/>); otherwise the refusal.</returns>
    public static TenantRefusal? Apply(TraceExportService exports, string? header, Principal? principal, string? tenantClaim,
        ref IReadOnlyDictionary<string, string>? metadata)
    {
        if (!exports.MultitenancyEnabled) return null;
        var tenant = Tenants.FromHeader(header, out var error);
        if (error is not null) return new TenantRefusal(TenantRefusalKind.Invalid, error);
        if (tenantClaim is not null)
        {
            var own = principal is null ? null : ClaimOf(principal, tenantClaim);
            if (own is null)
                return new TenantRefusal(TenantRefusalKind.Missing, $"{Tenants.NoOrgId}: the authenticated sender has no \"{tenantClaim}\" claim naming its tenant");
            if (Tenants.Invalid(own) is { } invalid)
                return new TenantRefusal(TenantRefusalKind.Invalid, $"the sender's \"{tenantClaim}\" claim is not a tenant ID: {invalid}");
            if (tenant is not null && tenant != own)
                return new TenantRefusal(TenantRefusalKind.Forbidden,
                    $"{Tenants.HeaderName} names tenant \"{tenant}\", but the authenticated sender writes to tenant \"{own}\" only");
            tenant = own;
        }
        if (tenant is null) return new TenantRefusal(TenantRefusalKind.Missing, Tenants.NoOrgId);
        // Refused here, before it is acknowledged: a batch processor behind would accept it and the store then drop it.
        if (exports.UnstorableTenant?.Invoke(tenant) is { } unstorable) return new TenantRefusal(TenantRefusalKind.Invalid, unstorable);
        metadata = Tenants.WithTenant(metadata, tenant);
        return null;
    }

    private static string? ClaimOf(Principal principal, string claim) =>
        claim == "sub" ? principal.Subject : principal.Claims.GetValueOrDefault(claim) is [var first, ..] ? first : null;
}
