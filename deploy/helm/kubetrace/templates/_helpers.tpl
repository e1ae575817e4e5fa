{{/* Labels of one component: app.kubernetes.io/name and app.kubernetes.io/component. */}}
{{- define "kubetrace.labels" -}}
app.kubernetes.io/name: kubetrace
app.kubernetes.io/component: {{ . }}
{{- end }}

{{/* metadata of a namespaced object; dict: root, name, component. */}}
{{- define "kubetrace.metadata" -}}
metadata:
  name: {{ .name }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "kubetrace.labels" .component | nindent 4 }}
{{- end }}

{{/* Service ports; argument: true to include the query ports. */}}
{{- define "kubetrace.servicePorts" -}}
- name: otlp-grpc
  port: 4317
  targetPort: otlp-grpc
  protocol: TCP
- name: otlp-http
  port: 4318
  targetPort: otlp-http
  protocol: TCP
{{- if . }}
- name: query
  port: 16686
  targetPort: query
  protocol: TCP
- name: tempo
  port: 3200
  targetPort: tempo
  protocol: TCP
{{- end }}
{{- end }}
