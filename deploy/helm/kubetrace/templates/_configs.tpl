{{/* Collector-format configurations (the same text as src/Kubetrace/Kubernetes/Deploy/CollectorConfigs.cs). */}}
{{- define "kubetrace.agentConfig" -}}
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: ":4317"
      http:
        endpoint: ":4318"
processors:
  memory_limiter:
    check_interval: 1s
    limit_percentage: 80
    spike_limit_percentage: 20
exporters:
  otlp:
    endpoint: kubetrace-gateway.{{ .Release.Namespace }}.svc:4317{{ include "kubetrace.agentExporterSecurity" . | replace "\n" "\n    " }}
    sending_queue:
      queue_size: 100000
      sizer: items
      storage: file_storage
    retry_on_failure:
      max_elapsed_time: 0s
extensions:
  health_check:
    endpoint: ":13133"
  file_storage:
    directory: /var/lib/kubetrace/queue
    create_directory: true{{ include "kubetrace.agentExtensions" . | replace "\n" "\n  " }}
service:
  extensions: [{{ include "kubetrace.agentExtensionIds" . }}]
  telemetry:
    metrics:
      address: ":8888"
  pipelines:
    traces:
      receivers: [otlp]
      processors: [memory_limiter]
      exporters: [otlp]
{{- end }}

{{- define "kubetrace.storeConfig" -}}
{{- $security := include "kubetrace.gatewayReceiverSecurity" . | replace "\n" "\n        " -}}
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: ":4317"{{ $security }}
      http:
        endpoint: ":4318"{{ $security }}
processors:
  memory_limiter:
    check_interval: 1s
    limit_percentage: 80
    spike_limit_percentage: 20
exporters:
  kubetrace:
    directory: /var/lib/kubetrace
    retention: {{ .Values.storage.retention }}
    max_disk_size: {{ .Values.storage.maxDiskSize }}
extensions:
  health_check:
    endpoint: ":13133"
  kubetrace_query:
    storage: kubetrace
    endpoint: ":16686"
    tempo_endpoint: ":3200"
    # Reached by Service names, port-forwards and an ingress's host: the Host check guards a browser on a
    # workstation against DNS rebinding, not a cluster Service. Narrow it to your ingress host if you expose one.
    allowed_hosts: ["*"]{{ include "kubetrace.querySecurity" . | replace "\n" "\n    " }}{{ include "kubetrace.storeExtensions" . | replace "\n" "\n  " }}
service:
  extensions: [{{ include "kubetrace.storeExtensionIds" . }}]
  telemetry:
    metrics:
      address: ":8888"
  pipelines:
    traces:
      receivers: [otlp]
      processors: [memory_limiter]
      exporters: [kubetrace]
{{- end }}
