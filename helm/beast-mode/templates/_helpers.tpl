{{- define "beast-mode.selectorLabels" -}}
app.kubernetes.io/name: beast-mode-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "beast-mode.labels" -}}
{{ include "beast-mode.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{- define "beast-mode.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The Lease the replicas elect their leader with; the Role grants exactly this one. */}}
{{- define "beast-mode.leaseName" -}}
{{ .Release.Name }}-operator
{{- end }}

{{/* Operator replicas: one for a standby hub, whose follower and promotion run in one process. */}}
{{- define "beast-mode.replicas" -}}
{{- if eq .Values.hub.role "standby" }}1{{ else }}{{ .Values.replicas }}{{ end -}}
{{- end }}
