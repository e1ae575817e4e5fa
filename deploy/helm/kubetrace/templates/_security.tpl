{{/* TLS and authentication (the same text as src/Kubetrace/Kubernetes/Deploy/ListenerSecurity.cs and CredentialVolumes.cs). */}}

{{/* Refuses what k8s install refuses (InstallSecurity.Problem). */}}
{{- define "kubetrace.checkSecurity" -}}
{{- $mode := .Values.auth.agents.mode }}
{{- if not (has $mode (list "none" "mtls" "service-account-token")) }}{{ fail (printf "auth.agents.mode %q is not one of none, mtls, service-account-token" $mode) }}{{ end }}
{{- if and (ne $mode "none") (ne .Values.topology "agent") }}{{ fail (printf "auth.agents.mode %s is for the agent topology: in the %s topology the components send to Kubetrace directly, in plaintext without credentials (component-base dials OTLP WithInsecure)" $mode .Values.topology) }}{{ end }}
{{- if and (ne $mode "none") (not .Values.tls.existingSecret) }}{{ fail (printf "auth.agents.mode %s needs tls.existingSecret: credentials are not sent in plaintext" $mode) }}{{ end }}
{{- if and (eq $mode "mtls") (not .Values.auth.agents.clientSecret) }}{{ fail "auth.agents.mode mtls needs auth.agents.clientSecret (the agents' tls.crt and tls.key)" }}{{ end }}
{{- if and (ne $mode "mtls") .Values.auth.agents.clientSecret }}{{ fail "auth.agents.clientSecret is only used with auth.agents.mode mtls" }}{{ end }}
{{- end }}

{{- define "kubetrace.agentHopTls" -}}
{{- if and (eq .Values.topology "agent") .Values.tls.existingSecret }}true{{ end }}
{{- end }}

{{- define "kubetrace.servingCertificate" -}}
tls:
  cert_file: /etc/kubetrace-tls/tls.crt
  key_file: /etc/kubetrace-tls/tls.key
{{- end }}

{{/* The gateway's OTLP listeners in the agent topology. */}}
{{- define "kubetrace.gatewayReceiverSecurity" -}}
{{- if include "kubetrace.agentHopTls" . }}
{{- include "kubetrace.servingCertificate" . | nindent 0 }}
{{- if eq .Values.auth.agents.mode "mtls" }}
  client_ca_file: /etc/kubetrace-tls/ca.crt
{{- end }}
  reload_interval: 1m
{{- if eq .Values.auth.agents.mode "service-account-token" }}
auth:
  authenticator: oidc/agents
{{- end }}
{{- end }}
{{- end }}

{{/* The agent's otlp exporter. */}}
{{- define "kubetrace.agentExporterSecurity" -}}
{{- if include "kubetrace.agentHopTls" . }}
tls:
  ca_file: /etc/kubetrace-gateway/ca.crt
{{- if eq .Values.auth.agents.mode "mtls" }}
  cert_file: /etc/kubetrace-gateway/tls.crt
  key_file: /etc/kubetrace-gateway/tls.key
{{- else if eq .Values.auth.agents.mode "service-account-token" }}
auth:
  authenticator: bearertokenauth/gateway
{{- end }}
{{- else }}
tls:
  insecure: true
{{- end }}
{{- end }}

{{- define "kubetrace.agentExtensions" -}}
{{- if eq .Values.auth.agents.mode "service-account-token" }}
bearertokenauth/gateway:
  filename: /etc/kubetrace-gateway/token
{{- end }}
{{- end }}

{{- define "kubetrace.agentExtensionIds" -}}
health_check, file_storage{{ if eq .Values.auth.agents.mode "service-account-token" }}, bearertokenauth/gateway{{ end }}
{{- end }}

{{- define "kubetrace.querySecurity" -}}
{{- if .Values.tls.existingSecret }}
{{- include "kubetrace.servingCertificate" . | nindent 0 }}
  reload_interval: 1m
{{- end }}
{{- if .Values.auth.query.htpasswdSecret }}
auth:
  authenticator: basicauth/query
{{- end }}
{{- end }}

{{- define "kubetrace.storeExtensions" -}}
{{- if eq .Values.auth.agents.mode "service-account-token" }}
oidc/agents:
  issuer_url: {{ .Values.auth.agents.serviceAccountIssuer }}
  audience: {{ .Values.auth.agents.audience }}
  jwks_file: /etc/kubetrace-jwks/jwks.json
  required_claims:
    sub: "system:serviceaccount:{{ .Release.Namespace }}:kubetrace"
{{- end }}
{{- if .Values.auth.query.htpasswdSecret }}
basicauth/query:
  htpasswd:
    file: /etc/kubetrace-query-users/htpasswd
{{- end }}
{{- end }}

{{- define "kubetrace.storeExtensionIds" -}}
health_check, kubetrace_query
{{- if eq .Values.auth.agents.mode "service-account-token" }}, oidc/agents{{ end }}
{{- if .Values.auth.query.htpasswdSecret }}, basicauth/query{{ end }}
{{- end }}

{{/* The objects a pod template names but the chart leaves to the user; dict: root, agent (bool). */}}
{{- define "kubetrace.userProvided" -}}
{{- $v := .root.Values }}
{{- $names := list }}
{{- with $v.tls.existingSecret }}{{ $names = append $names (printf "Secret/%s" .) }}{{ end }}
{{- if .agent }}
{{- if eq $v.auth.agents.mode "mtls" }}{{ $names = append $names (printf "Secret/%s" $v.auth.agents.clientSecret) }}{{ end }}
{{- else }}
{{- if eq $v.auth.agents.mode "service-account-token" }}{{ $names = append $names (printf "ConfigMap/%s" $v.auth.agents.jwksConfigMap) }}{{ end }}
{{- with $v.auth.query.htpasswdSecret }}{{ $names = append $names (printf "Secret/%s" .) }}{{ end }}
{{- end }}
{{- if $names }}
annotations:
  kubetrace/user-provided: {{ join "," $names | quote }}
{{- end }}
{{- end }}

{{/* Credential mounts and volumes of a pod; dict: root, agent (bool). */}}
{{- define "kubetrace.credentialMounts" -}}
{{- $v := .root.Values }}
{{- if and .agent $v.tls.existingSecret }}
- name: gateway-credentials
  mountPath: /etc/kubetrace-gateway
  readOnly: true
{{- end }}
{{- if not .agent }}
{{- if $v.tls.existingSecret }}
- name: serving-tls
  mountPath: /etc/kubetrace-tls
  readOnly: true
{{- end }}
{{- if eq $v.auth.agents.mode "service-account-token" }}
- name: issuer-keys
  mountPath: /etc/kubetrace-jwks
  readOnly: true
{{- end }}
{{- if $v.auth.query.htpasswdSecret }}
- name: query-users
  mountPath: /etc/kubetrace-query-users
  readOnly: true
{{- end }}
{{- end }}
{{- end }}

{{- define "kubetrace.credentialVolumes" -}}
{{- $v := .root.Values }}
{{- if and .agent $v.tls.existingSecret }}
- name: gateway-credentials
  projected:
    sources:
      - secret:
          name: {{ $v.tls.existingSecret }}
          items:
            - key: ca.crt
              path: ca.crt
      {{- if eq $v.auth.agents.mode "mtls" }}
      - secret:
          name: {{ $v.auth.agents.clientSecret }}
          items:
            - key: tls.crt
              path: tls.crt
            - key: tls.key
              path: tls.key
      {{- else if eq $v.auth.agents.mode "service-account-token" }}
      - serviceAccountToken:
          audience: {{ $v.auth.agents.audience }}
          expirationSeconds: 3600
          path: token
      {{- end }}
{{- end }}
{{- if not .agent }}
{{- if $v.tls.existingSecret }}
- name: serving-tls
  secret:
    secretName: {{ $v.tls.existingSecret }}
{{- end }}
{{- if eq $v.auth.agents.mode "service-account-token" }}
- name: issuer-keys
  configMap:
    name: {{ $v.auth.agents.jwksConfigMap }}
    items:
      - key: jwks.json
        path: jwks.json
{{- end }}
{{- if $v.auth.query.htpasswdSecret }}
- name: query-users
  secret:
    secretName: {{ $v.auth.query.htpasswdSecret }}
    items:
      - key: htpasswd
        path: htpasswd
{{- end }}
{{- end }}
{{- end }}
