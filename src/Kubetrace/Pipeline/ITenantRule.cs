namespace Kubetrace.Pipeline;

/// <summary>
/// A store that cannot keep every valid tenant ID (<see cref="Tenants.Invalid"/>): the ClickHouse store, whose tenants
/// are databases with a bounded name. Published in the <see cref="Components.ComponentDirectory"/>, so that the
/// receivers refuse such a tenant's export with 400 / INVALID_ARGUMENT before acknowledging it, and the query side
/// refuses a query naming it with 400.
/// </summary>
public interface ITenantRule
{
    /// <summary>Why <paramref name="tenant"/> (a valid ID) cannot be stored here, or null when it can.</summary>
    string? Refuses(string tenant);

    /// <summary>The first refusal of any of <paramref name="rules"/>; null when there are none.</summary>
    static Func<string, string?>? Combined(IReadOnlyList<ITenantRule> rules) =>
        rules.Count == 0 ? null : tenant => rules.Select(rule => rule.Refuses(tenant)).FirstOrDefault(refusal => refusal is not null);
}
