namespace Kubetrace.Pipeline;

/// <summary>
/// Tenants as Tempo has them: with <c>multitenancy_enabled</c> every write and every query names its tenant in the
/// <c>X-Scope-OrgID</c> header (gRPC metadata <c>x-scope-orgid</c>), and a request without one is refused with
/// Tempo's answer, 401 "no org id"; without it every span belongs to <see cref="SingleTenant"/> and the header is
/// ignored. From the receiver to the store the tenant travels as the batch's client metadata
/// (<see cref="TraceBatch.Metadata"/>, key <see cref="MetadataKey"/>), which processors keep and the batch
/// processor separates on. docs/security.md, Tenants.
/// </summary>
public static class Tenants
{
    public const string HeaderName = "X-Scope-OrgID";

    /// <summary>The header as a metadata key (lower case, as gRPC metadata and <c>include_metadata</c> name it).</summary>
    public const string MetadataKey = "x-scope-orgid";

    /// <summary>The tenant of every span when multitenancy is off (Tempo's <c>util.FakeTenantID</c>).</summary>
    public const string SingleTenant = "single-tenant";

    /// <summary>Tempo's (dskit's) refusal of a request without a tenant.</summary>
    public const string NoOrgId = "no org id";

    /// <summary>dskit's <c>tenantIDMaxLength</c>.</summary>
    public const int MaxLength = 150;

    /// <summary>
    /// Why <paramref name="id"/> is not a tenant ID, or null when it is. dskit's rules (tenant.ValidTenantID):
    /// letters, digits and <c>! - _ . * ' ( )</c>, at most 150 characters, not <c>.</c> or <c>..</c>; so an ID is
    /// always a safe directory name. Tempo's cross-tenant form <c>a|b</c> is for queries only (<see cref="ManyFromHeader"/>).
    /// </summary>
    public static string? Invalid(string id)
    {
        if (id.Contains(Separator)) return $"tenant \"{Shown(id)}\": '|' separates the tenants of a cross-tenant query; a write names one tenant";
        if (id.Length > MaxLength) return $"a tenant ID is at most {MaxLength} characters (got {id.Length})";
        if (id is "." or "..") return $"tenant \"{id}\" is not allowed";
        foreach (var c in id)
            if (c is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '!' or '-' or '_' or '.' or '*' or '\'' or '(' or ')'))
                return $"tenant \"{Shown(id)}\": '{c}' cannot appear in a tenant ID (letters, digits and ! - _ . * ' ( ))";
        return null;
    }

    /// <summary>
    /// The tenant a request names in its header: null with <paramref name="error"/> null when it names none
    /// (answered 401 <see cref="NoOrgId"/> under multitenancy), null with the reason when the ID is not valid (400).
    /// </summary>
    public static string? FromHeader(string? header, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(header)) return null;
        error = Invalid(header);
        return error is null ? header : null;
    }

    /// <summary>Separates the tenants of a cross-tenant query in <c>X-Scope-OrgID</c> (dskit's <c>tenant.TenantIDsFromOrgID</c>).</summary>
    public const char Separator = '|';

    /// <summary>
    /// The tenants a query names: one, or several for Tempo's cross-tenant query federation (<c>a|b</c>), each a valid
    /// ID, sorted and without repeats as dskit normalises them (tenant.NormalizeTenantIDs); null with
    /// <paramref name="error"/> null when the header names none, null with the reason when one is not valid.
    /// </summary>
    public static IReadOnlyList<string>? ManyFromHeader(string? header, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(header)) return null;
        var tenants = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var id in header.Split(Separator))
        {
            error = id.Length == 0 ? $"\"{Shown(header)}\" names an empty tenant" : Invalid(id);
            if (error is not null) return null;
            tenants.Add(id);
        }
        return [.. tenants];
    }

    /// <summary>The tenant the receiver recorded on a batch, null when none.</summary>
    public static string? Of(TraceBatch batch) =>
        batch.Metadata is { } metadata && metadata.TryGetValue(MetadataKey, out var tenant) && tenant.Length > 0 ? tenant : null;

    /// <summary>Client metadata carrying <paramref name="tenant"/> besides whatever <paramref name="metadata"/> holds.</summary>
    public static IReadOnlyDictionary<string, string> WithTenant(IReadOnlyDictionary<string, string>? metadata, string tenant)
    {
        var with = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (metadata is not null)
            foreach (var (key, value) in metadata) with[key] = value;
        with[MetadataKey] = tenant;
        return with;
    }

    private static string Shown(string id) => id.Length <= 40 ? id : id[..40] + "…";
}
