using Kubetrace.Pipeline;
using Kubetrace.Storage.ClickHouse;

namespace Kubetrace.Tests.Storage;

/// <summary>The tenant → ClickHouse database mapping (docs/security.md, Tenants on ClickHouse): one to one, reversible, plain identifiers.</summary>
public sealed class TenantDatabasesTests
{
    [Theory]
    [InlineData("acme", "kubetrace__acme")]
    [InlineData("team-a", "kubetrace__team_2Da")]
    [InlineData("a_b", "kubetrace__a_5Fb")]
    [InlineData("Acme.Prod(1)", "kubetrace__Acme_2EProd_281_29")]
    [InlineData("!*'", "kubetrace___21_2A_27")]
    public void Letters_and_digits_stay_and_every_other_character_is_an_underscore_and_two_hex_digits(string tenant, string database)
    {
        Assert.Equal(database, TenantDatabases.Of("kubetrace", tenant));
        Assert.Equal(tenant, TenantDatabases.TenantOf("kubetrace", database));
        Assert.True(database.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'));
    }

    [Fact]
    public void The_single_tenant_keeps_the_configured_database()
    {
        Assert.Equal("kubetrace", TenantDatabases.Of("kubetrace", Tenants.SingleTenant));
        Assert.Null(TenantDatabases.TenantOf("kubetrace", "kubetrace"));
    }

    [Fact]
    public void Tenants_that_differ_map_to_databases_that_differ()
    {
        // The pairs a lossy mapping (every other character to '_', or case folding) would merge.
        string[] tenants = ["a-b", "a_b", "a.b", "a_2Db", "A-b", "a--b", "a-_b"];
        Assert.Equal(tenants.Length, tenants.Select(t => TenantDatabases.Of("kubetrace", t)).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("other__acme")]        // another database's tenant
    [InlineData("kubetrace_acme")]     // not the separator
    [InlineData("kubetrace__")]        // no tenant
    [InlineData("kubetrace__a_2db")]   // lower-case hex: not a name Of gives
    [InlineData("kubetrace__a_41")]    // an escaped letter: not a name Of gives
    [InlineData("kubetrace__a_2")]     // a cut escape
    [InlineData("kubetrace__a_2F")]    // '/', which no tenant ID holds
    public void A_database_that_is_no_tenants_is_not_read_as_one(string database) =>
        Assert.Null(TenantDatabases.TenantOf("kubetrace", database));

    [Fact]
    public void A_tenant_whose_database_name_would_pass_the_bound_is_refused_naming_it()
    {
        Assert.Null(TenantDatabases.Refusal("kubetrace", new string('a', Tenants.MaxLength)));
        var refusal = TenantDatabases.Refusal("kubetrace", "t" + new string('-', 70));
        Assert.NotNull(refusal);
        Assert.Contains($"more than {TenantDatabases.MaxNameLength}", refusal, StringComparison.Ordinal);
    }
}
