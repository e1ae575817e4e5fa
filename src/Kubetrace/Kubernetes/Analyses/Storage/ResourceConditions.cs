using Kubetrace.Kubernetes.Catalog;
using static Kubetrace.Analysis.TraceQlText;

namespace Kubetrace.Kubernetes.Analyses.Storage;

/// <summary>
/// TraceQL conditions on one span that it names a resource as <see cref="StorageResource"/> reads it
/// (<c>group.resource</c>, or the resource alone for the core group): the inverse of
/// <see cref="StorageResource.FromAttributes"/>, <see cref="StorageResource.FromHandler"/> and the cacher's
/// <c>type</c>, for the rows' searches.
/// </summary>
internal static class ResourceConditions
{
    /// <summary>A storage span's (<c>... etcd3</c>): <c>resource</c> as group.resource through 1.33, split into <c>group</c> and <c>resource</c> from 1.34.</summary>
    public static string OnStorage(string resource) => Split(resource) is var (name, group) && group is not null
        ? Any(Equal(StorageKeys.Resource, resource), All(Equal(StorageKeys.Resource, name), Equal(StorageKeys.Group, group)))
        : All(Equal(StorageKeys.Resource, resource), Unset(StorageKeys.Group));

    /// <summary>A cacher span's: its <c>type</c>.</summary>
    public static string OnCacher(string resource) => Equal(StorageKeys.Type, resource);

    /// <summary>
    /// A handler span's: <c>resource</c> and <c>api-group</c>; handlers carry the group from 1.29, before only their
    /// <c>url</c> does (<c>/apis/apps/v1/…</c>: <see cref="StorageResource.FromHandler"/> reads its first segment).
    /// </summary>
    public static string OnHandler(string resource) => Split(resource) is var (name, group) && group is not null
        ? All(Equal(ApiserverKeys.Resource, name),
            Any(Equal(ApiserverKeys.ApiGroup, group), All(Absent(ApiserverKeys.ApiGroup), Matches(ApiserverKeys.Url, GroupUrl + EscapeRegex(group) + "(/.*)?"))))
        : All(Equal(ApiserverKeys.Resource, resource),
            Any(Equal(ApiserverKeys.ApiGroup, ""), All(Absent(ApiserverKeys.ApiGroup), Any(Absent(ApiserverKeys.Url), NotMatches(ApiserverKeys.Url, GroupUrl + "[^/].*")))));

    /// <summary>A URL's path up to its group's segment, as <see cref="StorageResource.FromHandler"/> skips it.</summary>
    private const string GroupUrl = "/apis//*";

    /// <summary>Whether a row's resource is one these conditions can name: not a placeholder such as <c>(unknown)</c>.</summary>
    public static bool IsNamed(string resource) => resource.Length > 0 && !resource.StartsWith('(') && !resource.Contains(' ');

    /// <summary><c>deployments.apps</c> → (deployments, apps); <c>pods</c> → (pods, null).</summary>
    private static (string Name, string? Group) Split(string resource)
    {
        var dot = resource.IndexOf('.');
        return dot < 0 ? (resource, null) : (resource[..dot], resource[(dot + 1)..]);
    }
}
