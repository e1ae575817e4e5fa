namespace Kubetrace.Kubernetes.Deploy;

/// <summary>
/// The one pod template every workload uses: Pod Security <c>restricted</c> (non-root, no privilege escalation, all
/// capabilities dropped, RuntimeDefault seccomp), a read-only root filesystem with the config, data and /tmp as
/// volumes, and probes on health_check.
/// </summary>
internal static class PodTemplate
{
    /// <summary>The image's user (Containerfile); any non-root ID would do for Kubernetes.</summary>
    public const int UserId = 10001;

    private const string EmptyMap = "{}";

    /// <param name="component">The <c>app.kubernetes.io/component</c> label.</param>
    /// <param name="configMap">The ConfigMap with the Collector-format config.</param>
    /// <param name="dataVolume">The <c>data</c> volume's source, or null when it comes from a volumeClaimTemplate.</param>
    public static string Render(string component, string configMap, bool queryPorts, WorkloadResources resources, InstallRequest request, string? dataVolume)
    {
        var query = queryPorts
            ? Text.Indent($"""

                - name: query
                  containerPort: {Ports.Query}
                  protocol: TCP
                - name: tempo
                  containerPort: {Ports.Tempo}
                  protocol: TCP
                """, 8)
            : "";
        var data = dataVolume is null ? "" : Text.Indent($"""

            - name: data
              {Text.Indent(dataVolume, 2)}
            """, 4);
        var agent = component == "agent";
        return $"""
            metadata:
              labels:
                app.kubernetes.io/name: {ManifestNames.App}
                app.kubernetes.io/component: {component}{Text.Indent(CredentialVolumes.Annotation(request.Secure, agent), 2)}
            spec:
              serviceAccountName: {ManifestNames.ServiceAccount}
              automountServiceAccountToken: false
              securityContext:
                runAsNonRoot: true
                runAsUser: {UserId}
                runAsGroup: {UserId}
                fsGroup: {UserId}
                seccompProfile:
                  type: RuntimeDefault
              containers:
                - name: kubetrace
                  image: {request.Image}
                  imagePullPolicy: IfNotPresent
                  args: [serve, --config, {CollectorConfigs.ConfigPath}/{CollectorConfigs.ConfigFile}]
                  ports:
                    - name: otlp-grpc
                      containerPort: {Ports.OtlpGrpc}
                      protocol: TCP
                    - name: otlp-http
                      containerPort: {Ports.OtlpHttp}
                      protocol: TCP{query}
                    - name: metrics
                      containerPort: {Ports.Metrics}
                      protocol: TCP
                    - name: health
                      containerPort: {Ports.Health}
                      protocol: TCP
                  readinessProbe:
                    httpGet:
                      path: /
                      port: health
                    periodSeconds: 5
                  livenessProbe:
                    httpGet:
                      path: /
                      port: health
                    initialDelaySeconds: 10
                    periodSeconds: 10
                    failureThreshold: 6
                  resources:
                    requests:
                      cpu: {resources.CpuRequest}
                      memory: {resources.MemoryRequest}
                    limits:
                      memory: {resources.MemoryLimit}
                  securityContext:
                    allowPrivilegeEscalation: false
                    readOnlyRootFilesystem: true
                    runAsNonRoot: true
                    capabilities:
                      drop: [ALL]
                  volumeMounts:
                    - name: config
                      mountPath: {CollectorConfigs.ConfigPath}
                      readOnly: true
                    - name: data
                      mountPath: {CollectorConfigs.DataPath}
                    - name: tmp
                      mountPath: /tmp{Text.Indent(CredentialVolumes.Mounts(request.Secure, agent), 8)}
              volumes:
                - name: config
                  configMap:
                    name: {configMap}
                - name: tmp
                  emptyDir: {EmptyMap}{data}{Text.Indent(CredentialVolumes.Volumes(request.Secure, agent), 4)}
            """;
    }
}
