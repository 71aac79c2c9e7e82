{{/* Name of the chart's objects: the release name, which the compute layer sets to the service's name. */}}
{{- define "release-ledger.fullname" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels every object carries. */}}
{{- define "release-ledger.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "release-ledger.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Labels that select the service's pods; never change them on a running release (selectors are immutable). */}}
{{- define "release-ledger.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The image, refused unless pinned by digest: a tag could change under a running release. */}}
{{- define "release-ledger.image" -}}
{{- $ref := required "image.ref is required: the image pinned by digest (<repository>@sha256:<64 hex>)" .Values.image.ref -}}
{{- if not (regexMatch "@sha256:[0-9a-f]{64}$" $ref) -}}
{{- fail (printf "image.ref %q is not pinned by digest; use <repository>@sha256:<64 hex>" $ref) -}}
{{- end -}}
{{- $ref -}}
{{- end -}}

{{/* The pod template shared by the Deployment and the Rollout. */}}
{{- define "release-ledger.podTemplate" -}}
metadata:
  labels:
    {{- include "release-ledger.selectorLabels" . | nindent 4 }}
spec:
  serviceAccountName: {{ .Values.serviceAccount.name }}
  automountServiceAccountToken: false
  terminationGracePeriodSeconds: {{ add .Values.shutdownTimeoutSeconds .Values.terminationMarginSeconds .Values.preStopSleepSeconds }}
  securityContext:
    runAsNonRoot: true
    runAsUser: {{ .Values.runAsUser }}
    runAsGroup: {{ .Values.runAsGroup }}
    fsGroup: {{ .Values.runAsGroup }}
    seccompProfile:
      type: RuntimeDefault
  # Spread over the availability zones first, so losing one AZ leaves pods serving.
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: topology.kubernetes.io/zone
      whenUnsatisfiable: DoNotSchedule
      labelSelector:
        matchLabels:
          {{- include "release-ledger.selectorLabels" . | nindent 10 }}
    - maxSkew: 1
      topologyKey: kubernetes.io/hostname
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "release-ledger.selectorLabels" . | nindent 10 }}
  containers:
    - name: service
      image: {{ include "release-ledger.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      ports:
        - name: http
          containerPort: {{ .Values.port }}
          protocol: TCP
      env:
        {{- range $name, $value := .Values.env }}
        - name: {{ $name }}
          value: {{ $value | toString | quote }}
        {{- end }}
        {{- if .Values.secrets.enabled }}
        {{- range list "MIGRATION_PGUSER" "MIGRATION_PGPASSWORD" "REDIS_AUTH_TOKEN" }}
        - name: {{ . }}
          valueFrom:
            secretKeyRef:
              name: {{ $.Values.secrets.targetName }}
              key: {{ . }}
        {{- end }}
        {{- end }}
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        privileged: false
        capabilities:
          drop: ["ALL"]
      livenessProbe:
        httpGet:
          path: /healthz
          port: http
        periodSeconds: 15
        timeoutSeconds: 5
        failureThreshold: 3
      readinessProbe:
        httpGet:
          path: /readyz
          port: http
        periodSeconds: 5
        timeoutSeconds: 5
        failureThreshold: 3
      startupProbe:
        httpGet:
          path: /healthz
          port: http
        periodSeconds: 5
        failureThreshold: 12
      lifecycle:
        # Keep serving while the ALB deregisters the pod; the service drains on the SIGTERM that follows.
        preStop:
          sleep:
            seconds: {{ .Values.preStopSleepSeconds }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: 256Mi
{{- end -}}
