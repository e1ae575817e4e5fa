namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// Every field of <c>KubeletConfiguration</c> (kubelet.config.k8s.io/v1beta1) as its JSON names appear in
/// k8s.io/kubelet config/v1beta1/types.go and the "Kubelet Configuration (v1beta1)" reference, so that only keys
/// the kubelet does not know are reported. Fields added over time are all listed: the kubelet of an older release
/// simply ignores a newer one (it decodes leniently after logging the strict-decoding error).
/// </summary>
public static class KubeletConfigurationSchema
{
    private static readonly string[] TopLevel =
    [
        "apiVersion", "kind",
        "enableServer", "staticPodPath", "podLogsDir", "syncFrequency", "fileCheckFrequency", "httpCheckFrequency",
        "staticPodURL", "staticPodURLHeader", "address", "port", "readOnlyPort", "tlsCertFile", "tlsPrivateKeyFile",
        "tlsCipherSuites", "tlsCurvePreferences", "tlsMinVersion", "rotateCertificates", "serverTLSBootstrap",
        "authentication", "authorization", "registryPullQPS", "registryBurst", "imagePullCredentialsVerificationPolicy",
        "preloadedImagesVerificationAllowlist", "eventRecordQPS", "eventBurst", "enableDebuggingHandlers",
        "enableContentionProfiling", "healthzPort", "healthzBindAddress", "oomScoreAdj", "clusterDomain", "clusterDNS",
        "streamingConnectionIdleTimeout", "nodeStatusUpdateFrequency", "nodeStatusReportFrequency",
        "nodeLeaseDurationSeconds", "imageMinimumGCAge", "imageMaximumGCAge", "imageGCHighThresholdPercent",
        "imageGCLowThresholdPercent", "volumeStatsAggPeriod", "kubeletCgroups", "systemCgroups", "cgroupRoot",
        "cgroupsPerQOS", "cgroupDriver", "cpuManagerPolicy", "singleProcessOOMKill", "cpuManagerPolicyOptions",
        "cpuManagerReconcilePeriod", "memoryManagerPolicy", "topologyManagerPolicy", "topologyManagerScope",
        "topologyManagerPolicyOptions", "qosReserved", "runtimeRequestTimeout", "hairpinMode", "maxPods", "podCIDR",
        "podPidsLimit", "resolvConf", "runOnce", "cpuCFSQuota", "cpuCFSQuotaPeriod", "nodeStatusMaxImages",
        "maxOpenFiles", "contentType", "kubeAPIQPS", "kubeAPIBurst", "serializeImagePulls", "maxParallelImagePulls",
        "evictionHard", "evictionSoft", "evictionSoftGracePeriod", "evictionPressureTransitionPeriod",
        "evictionMaxPodGracePeriod", "evictionMinimumReclaim", "mergeDefaultEvictionSettings", "podsPerCore",
        "enableControllerAttachDetach", "protectKernelDefaults", "makeIPTablesUtilChains", "iptablesMasqueradeBit",
        "iptablesDropBit", "featureGates", "failSwapOn", "memorySwap", "containerLogMaxSize", "containerLogMaxFiles",
        "containerLogMaxWorkers", "containerLogMonitorInterval", "configMapAndSecretChangeDetectionStrategy",
        "systemReserved", "kubeReserved", "reservedSystemCPUs", "showHiddenMetricsForVersion", "systemReservedCgroup",
        "kubeReservedCgroup", "enforceNodeAllocatable", "allowedUnsafeSysctls", "volumePluginDir", "providerID",
        "kernelMemcgNotification", "logging", "enableSystemLogHandler", "enableSystemLogQuery", "shutdownGracePeriod",
        "shutdownGracePeriodCriticalPods", "shutdownGracePeriodByPodPriority", "crashLoopBackOff", "reservedMemory",
        "enableProfilingHandler", "enableDebugFlagsHandler", "seccompDefault", "memoryThrottlingFactor",
        "registerWithTaints", "registerNode", "tracing", "localStorageCapacityIsolation", "containerRuntimeEndpoint",
        "imageServiceEndpoint", "failCgroupV1", "userNamespaces",
    ];

    public static readonly FieldSchema Schema = FieldSchema.Of(TopLevel)
        .With("tracing", TracingFields.Schema)
        .With("authentication", FieldSchema.Of("x509", "webhook", "anonymous")
            .With("x509", FieldSchema.Of("clientCAFile"))
            .With("webhook", FieldSchema.Of("enabled", "cacheTTL"))
            .With("anonymous", FieldSchema.Of("enabled")))
        .With("authorization", FieldSchema.Of("mode", "webhook")
            .With("webhook", FieldSchema.Of("cacheAuthorizedTTL", "cacheUnauthorizedTTL")))
        .With("logging", FieldSchema.Of("format", "flushFrequency", "verbosity", "vmodule", "options"))
        .With("memorySwap", FieldSchema.Of("swapBehavior"))
        .With("crashLoopBackOff", FieldSchema.Of("maxContainerRestartPeriod"))
        .With("userNamespaces", FieldSchema.Of("idsPerPod"));
}
