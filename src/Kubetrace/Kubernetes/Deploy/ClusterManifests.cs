namespace Kubetrace.Kubernetes.Deploy;

/// <summary>
/// The in-cluster objects of one topology, as one multi-document YAML file for <c>kubectl apply -f</c>. Written as
/// text, like the Helm chart's templates, so that the model, Pod Security and reference checks
/// (<see cref="ManifestCheck"/>) test what a user applies rather than what a serializer guarantees.
/// </summary>
public static class ClusterManifests
{
    public static string Render(InstallRequest request)
    {
        var documents = new List<string> { Namespace(request), ServiceAccount(request) };
        if (request.Topology == InstallTopology.Agent) documents.AddRange(AgentObjects(request));
        if (request.Topology is InstallTopology.Agent or InstallTopology.Gateway) documents.AddRange(GatewayObjects(request));
        if (request.Topology == InstallTopology.Single) documents.AddRange(SingleObjects(request));
        return string.Join("---\n", documents);
    }

    /// <summary>Pod Security <c>restricted</c> enforced on the namespace, at the cluster's own release of the rules.</summary>
    private static string Namespace(InstallRequest request) => $"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {request.Namespace}
          labels:
            app.kubernetes.io/name: {ManifestNames.App}
            pod-security.kubernetes.io/enforce: restricted
            pod-security.kubernetes.io/enforce-version: v{request.KubernetesVersion}
            pod-security.kubernetes.io/warn: restricted
            pod-security.kubernetes.io/audit: restricted

        """;

    /// <summary>
    /// Kubetrace reads nothing from the Kubernetes API, so its account is bound to no Role and mounts no token:
    /// the least RBAC is none.
    /// </summary>
    private static string ServiceAccount(InstallRequest request) => $"""
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: {ManifestNames.ServiceAccount}
          namespace: {request.Namespace}
          labels:
            app.kubernetes.io/name: {ManifestNames.App}
        automountServiceAccountToken: false

        """;

    private static IEnumerable<string> AgentObjects(InstallRequest request)
    {
        const string component = "agent";
        yield return ConfigMap(request, ManifestNames.Agent, component, CollectorConfigs.Agent(request));
        var template = PodTemplate.Render(component, ManifestNames.Agent, queryPorts: false, request.Agent, request,
            dataVolume: "emptyDir: {}");
        yield return $"""
            apiVersion: apps/v1
            kind: DaemonSet
            {Metadata(request, ManifestNames.Agent, component)}
            spec:
              selector:
                matchLabels:
                  {Selector(component, 6)}
              updateStrategy:
                type: RollingUpdate
                rollingUpdate:
                  maxUnavailable: 1
              template:
                {Text.Indent(template, 4)}
                  tolerations:
                    - key: node-role.kubernetes.io/control-plane
                      operator: Exists
                      effect: NoSchedule

            """;
        // The node-local Service: from any node, its fixed address reaches that node's own agent.
        yield return $"""
            apiVersion: v1
            kind: Service
            {Metadata(request, ManifestNames.Agent, component)}
            spec:
              type: ClusterIP
              clusterIP: {request.ServiceIp}
              internalTrafficPolicy: Local
              selector:
                {Selector(component, 4)}
              ports:
                {Text.Indent(ServicePorts(query: false), 4)}

            """;
        yield return NetworkPolicy(request, ManifestNames.Agent, component, query: false, forwardsToGateway: true);
    }

    private static IEnumerable<string> GatewayObjects(InstallRequest request)
    {
        const string component = "gateway";
        yield return ConfigMap(request, ManifestNames.Gateway, component, CollectorConfigs.Store(request));
        yield return $"""
            apiVersion: v1
            kind: Service
            {Metadata(request, ManifestNames.GatewayHeadless, component)}
            spec:
              clusterIP: None
              selector:
                {Selector(component, 4)}
              ports:
                {Text.Indent(ServicePorts(query: true), 4)}

            """;
        yield return StoreService(request, ManifestNames.Gateway, component,
            fixedIp: request.Topology == InstallTopology.Gateway ? request.ServiceIp : null);
        var template = PodTemplate.Render(component, ManifestNames.Gateway, queryPorts: true, request.Store, request, dataVolume: null);
        yield return $"""
            apiVersion: apps/v1
            kind: StatefulSet
            {Metadata(request, ManifestNames.Gateway, component)}
            spec:
              serviceName: {ManifestNames.GatewayHeadless}
              replicas: 1
              selector:
                matchLabels:
                  {Selector(component, 6)}
              template:
                {Text.Indent(template, 4)}
                  terminationGracePeriodSeconds: 30
              volumeClaimTemplates:
                - metadata:
                    name: data
                  spec:
                    accessModes: [ReadWriteOnce]
                    {StorageClassLine(request, 8)}resources:
                      requests:
                        storage: {request.StorageSize}

            """;
        yield return DisruptionBudget(request, ManifestNames.Gateway, component);
        yield return NetworkPolicy(request, ManifestNames.Gateway, component, query: true, forwardsToGateway: false);
    }

    private static IEnumerable<string> SingleObjects(InstallRequest request)
    {
        const string component = "single";
        yield return ConfigMap(request, ManifestNames.Single, component, CollectorConfigs.Store(request));
        yield return $"""
            apiVersion: v1
            kind: PersistentVolumeClaim
            {Metadata(request, ManifestNames.SingleData, component)}
            spec:
              accessModes: [ReadWriteOnce]
              {StorageClassLine(request, 2)}resources:
                requests:
                  storage: {request.StorageSize}

            """;
        var template = PodTemplate.Render(component, ManifestNames.Single, queryPorts: true, request.Store, request,
            dataVolume: $"persistentVolumeClaim:\n  claimName: {ManifestNames.SingleData}");
        // Recreate: the store's volume is ReadWriteOnce and its WAL has one writer.
        yield return $"""
            apiVersion: apps/v1
            kind: Deployment
            {Metadata(request, ManifestNames.Single, component)}
            spec:
              replicas: 1
              strategy:
                type: Recreate
              selector:
                matchLabels:
                  {Selector(component, 6)}
              template:
                {Text.Indent(template, 4)}

            """;
        yield return StoreService(request, ManifestNames.Single, component, request.ServiceIp);
        yield return DisruptionBudget(request, ManifestNames.Single, component);
        yield return NetworkPolicy(request, ManifestNames.Single, component, query: true, forwardsToGateway: false);
    }

    private static string ConfigMap(InstallRequest request, string name, string component, string config) => $"""
        apiVersion: v1
        kind: ConfigMap
        {Metadata(request, name, component)}
        data:
          {CollectorConfigs.ConfigFile}: |
            {Text.Indent(config.TrimEnd('\n'), 4)}

        """;

    private static string StoreService(InstallRequest request, string name, string component, string? fixedIp) => $"""
        apiVersion: v1
        kind: Service
        {Metadata(request, name, component)}
        spec:
          type: ClusterIP
          {(fixedIp is null ? "" : $"clusterIP: {fixedIp}\n  ")}selector:
            {Selector(component, 4)}
          ports:
            {Text.Indent(ServicePorts(query: true), 4)}

        """;

    /// <summary>
    /// One replica (the embedded store has one writer): <c>maxUnavailable: 1</c> lets <c>kubectl drain</c> move it
    /// (a <c>minAvailable: 1</c> would block every drain) while saying that no more than one may be down.
    /// </summary>
    private static string DisruptionBudget(InstallRequest request, string name, string component) => $"""
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        {Metadata(request, name, component)}
        spec:
          maxUnavailable: 1
          selector:
            matchLabels:
              {Selector(component, 6)}

        """;

    /// <summary>
    /// Ingress only on Kubetrace's ports (OTLP from anywhere: the components send from the host network); egress
    /// only to DNS, and for an agent to the gateway's OTLP port.
    /// </summary>
    private static string NetworkPolicy(InstallRequest request, string name, string component, bool query, bool forwardsToGateway)
    {
        var queryPorts = query ? Text.Indent("\n- port: query\n  protocol: TCP\n- port: tempo\n  protocol: TCP", 8) : "";
        var toGateway = forwardsToGateway
            ? $"""

                  - to:
                      - podSelector:
                          matchLabels:
                            app.kubernetes.io/name: {ManifestNames.App}
                            app.kubernetes.io/component: gateway
                    ports:
                      - port: {Ports.OtlpGrpc}
                        protocol: TCP
              """
            : "";
        return $"""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            {Metadata(request, name, component)}
            spec:
              podSelector:
                matchLabels:
                  {Selector(component, 6)}
              policyTypes: [Ingress, Egress]
              ingress:
                - ports:
                    - port: otlp-grpc
                      protocol: TCP
                    - port: otlp-http
                      protocol: TCP{queryPorts}
                    - port: metrics
                      protocol: TCP
                    - port: health
                      protocol: TCP
              egress:
                - ports:
                    - port: 53
                      protocol: UDP
                    - port: 53
                      protocol: TCP{toGateway}

            """;
    }

    private static string ServicePorts(bool query)
    {
        var ports = new List<(string Name, int Port)> { ("otlp-grpc", Ports.OtlpGrpc), ("otlp-http", Ports.OtlpHttp) };
        if (query) ports.AddRange([("query", Ports.Query), ("tempo", Ports.Tempo)]);
        return string.Join("\n", ports.Select(p => $"- name: {p.Name}\n  port: {p.Port}\n  targetPort: {p.Name}\n  protocol: TCP"));
    }

    private static string Metadata(InstallRequest request, string name, string component) => $"""
        metadata:
          name: {name}
          namespace: {request.Namespace}
          labels:
            app.kubernetes.io/name: {ManifestNames.App}
            app.kubernetes.io/component: {component}
        """;

    private static string Selector(string component, int indent) =>
        Text.Indent($"app.kubernetes.io/name: {ManifestNames.App}\napp.kubernetes.io/component: {component}", indent);

    /// <summary>The line before <c>resources:</c> at column <paramref name="indent"/>, when a storage class is chosen.</summary>
    private static string StorageClassLine(InstallRequest request, int indent) =>
        request.StorageClass is { } storageClass ? $"storageClassName: {storageClass}\n{new string(' ', indent)}" : "";
}
