{{/*
The one pod template (Pod Security restricted, read-only root filesystem, probes on health_check).
dict: root, component, configMap, query (bool), resources, dataVolume (a YAML string, or "" for a volumeClaimTemplate);
credentials (TLS, tokens) follow the component: the agent's or a store's (_security.tpl).
*/}}
{{- define "kubetrace.pod" -}}
{{- $credentials := dict "root" .root "agent" (eq .component "agent") -}}
metadata:
  labels:
    {{- include "kubetrace.labels" .component | nindent 4 }}{{ include "kubetrace.userProvided" $credentials | replace "\n" "\n  " }}
spec:
  serviceAccountName: kubetrace
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
    fsGroup: 10001
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: kubetrace
      image: {{ .root.Values.image }}
      imagePullPolicy: IfNotPresent
      args: [serve, --config, /etc/kubetrace/config.yaml]
      ports:
        - name: otlp-grpc
          containerPort: 4317
          protocol: TCP
        - name: otlp-http
          containerPort: 4318
          protocol: TCP
        {{- if .query }}
        - name: query
          containerPort: 16686
          protocol: TCP
        - name: tempo
          containerPort: 3200
          protocol: TCP
        {{- end }}
        - name: metrics
          containerPort: 8888
          protocol: TCP
        - name: health
          containerPort: 13133
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
          cpu: {{ .resources.cpu }}
          memory: {{ .resources.memory }}
        limits:
          memory: {{ .resources.memoryLimit }}
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        runAsNonRoot: true
        capabilities:
          drop: [ALL]
      volumeMounts:
        - name: config
          mountPath: /etc/kubetrace
          readOnly: true
        - name: data
          mountPath: /var/lib/kubetrace
        - name: tmp
          mountPath: /tmp{{ include "kubetrace.credentialMounts" $credentials | replace "\n" "\n        " }}
  volumes:
    - name: config
      configMap:
        name: {{ .configMap }}
    - name: tmp
      emptyDir: {}
    {{- if .dataVolume }}
    - name: data
      {{- .dataVolume | nindent 6 }}
    {{- end }}
    {{- include "kubetrace.credentialVolumes" $credentials | replace "\n" "\n    " }}
{{- end }}
