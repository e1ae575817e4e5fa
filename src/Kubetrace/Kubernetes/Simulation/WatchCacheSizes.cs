namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// kube-apiserver's <c>--watch-cache-sizes</c> (k8s.io/apiserver <c>pkg/server/options/etcd.go</c>): settings of the
/// form <c>resource[.group]#size</c>, parsed as ParseWatchCacheSizes does (#L463–#L481 at v0.34.0 and v0.36.0, #L396 at
/// v0.27.0, #L429 at v0.33.0). Only size 0 means anything: that resource gets no watch cache
/// (<c>generic.UndecoratedStorage</c>, #L449–#L451 at v0.34.0); any other size leaves the default, which is a watch
/// cache for every built-in resource (<c>EnableWatchCache: true</c>, <c>DefaultWatchCacheSize: 100</c>, #L84–#L85).
/// </summary>
internal static class WatchCacheSizes
{
    /// <summary>
    /// The group resources (<c>secrets</c>, <c>deployments.apps</c>) whose watch cache <paramref name="settings"/>
    /// turn off, or the first setting upstream would refuse, with its message.
    /// </summary>
    public static bool TryParse(IEnumerable<string> settings, out HashSet<string> off, out string error)
    {
        off = new HashSet<string>(StringComparer.Ordinal);
        error = "";
        foreach (var setting in settings)
        {
            var tokens = setting.Split('#');
            if (tokens.Length != 2)
            {
                error = $"invalid value of watch cache size: {setting}";
                return false;
            }
            if (!int.TryParse(tokens[1], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var size))
            {
                error = $"invalid size of watch cache size: {setting}";
                return false;
            }
            if (size < 0)
            {
                error = $"watch cache size cannot be negative: {setting}";
                return false;
            }
            // A later setting of the same resource replaces an earlier one (the map upstream builds).
            if (size == 0) off.Add(tokens[0]);
            else off.Remove(tokens[0]);
        }
        return true;
    }
}
