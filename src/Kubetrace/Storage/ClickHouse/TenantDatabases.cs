using System.Globalization;
using System.Text;
using Kubetrace.Pipeline;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// Which ClickHouse database holds a tenant's spans under <c>multitenancy_enabled</c> (docs/security.md, Tenants on
/// ClickHouse): the single tenant's is the configured database itself (so turning multitenancy on keeps what was
/// stored), every other tenant's is <c>&lt;database&gt;__&lt;tenant&gt;</c> with the tenant ID written as a plain
/// identifier: letters and digits as they are, every other character (Tempo allows <c>! - _ . * ' ( )</c>) as
/// <c>_</c> and its two hex digits (<c>team-a</c> → <c>kubetrace__team_2Da</c>, <c>a_b</c> → <c>kubetrace__a_5Fb</c>).
/// The mapping is one to one and reversible (an escaped ID never holds <c>__</c>), so the tenants are found again by
/// listing the databases, and a name is never quoted into SQL.
/// </summary>
public static class TenantDatabases
{
    /// <summary>Between the configured database and the escaped tenant ID.</summary>
    public const string Separator = "__";

    /// <summary>
    /// Longest database name Kubetrace creates: ClickHouse 18.16 keeps a database as the folder <c>data/NAME</c> and the
    /// file <c>metadata/NAME.sql</c> (written as <c>NAME.sql.tmp</c> first), and a file name has at most 255 bytes.
    /// </summary>
    public const int MaxNameLength = 200;

    /// <summary>The database of <paramref name="tenant"/> (a valid ID, <see cref="Tenants.Invalid"/>); see <see cref="Refusal"/>.</summary>
    public static string Of(string database, string tenant)
    {
        if (tenant == Tenants.SingleTenant) return database;
        var name = new StringBuilder(database.Length + Separator.Length + tenant.Length).Append(database).Append(Separator);
        foreach (var c in tenant)
        {
            if (char.IsAsciiLetterOrDigit(c)) name.Append(c);
            else name.Append('_').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
        }
        return name.ToString();
    }

    /// <summary>Why <paramref name="tenant"/> has no database next to <paramref name="database"/> (its name would be too long), or null.</summary>
    public static string? Refusal(string database, string tenant) =>
        Of(database, tenant) is { Length: > MaxNameLength } name
            ? $"tenant \"{(tenant.Length <= 40 ? tenant : tenant[..40] + "…")}\" cannot be stored in ClickHouse: its database name would have " +
              $"{name.Length} characters, more than {MaxNameLength} (each character other than a letter or digit takes three)"
            : null;

    /// <summary>The tenant whose database <paramref name="name"/> is, or null when it is none of <paramref name="database"/>'s tenants' databases.</summary>
    public static string? TenantOf(string database, string name)
    {
        var prefix = database + Separator;
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || name.Length == prefix.Length) return null;
        var tenant = new StringBuilder(name.Length - prefix.Length);
        for (var i = prefix.Length; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsAsciiLetterOrDigit(c)) { tenant.Append(c); continue; }
            if (c != '_' || i + 2 >= name.Length || !byte.TryParse(name.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                return null;
            tenant.Append((char)code);
            i += 2;
        }
        var id = tenant.ToString();
        // Only the name Of gives for a valid ID counts (not lower-case hex, not an escaped letter).
        return Tenants.Invalid(id) is null && Of(database, id) == name ? id : null;
    }

    /// <summary>The tenants with a database next to <paramref name="options"/>' database on its server, sorted (the single tenant's not listed).</summary>
    public static async Task<IReadOnlyList<string>> StoredAsync(ClickHouseOptions options, CancellationToken cancellationToken)
    {
        using var http = new ClickHouseHttp(options with { Database = "system" });
        var prefix = options.Database + Separator;
        var names = await http.QueryLinesAsync(
            $"SELECT name FROM system.databases WHERE substring(name, 1, {Sql.Number(prefix.Length)}) = {Sql.String(prefix)}", cancellationToken)
            .ConfigureAwait(false);
        return names.Select(name => TenantOf(options.Database, name)).OfType<string>().Order(StringComparer.Ordinal).ToList();
    }
}
