{{- define "jenkins.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "jenkins.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end -}}

{{- define "jenkins.labels" -}}
{{ include "jenkins.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "jenkins.adminSecret" -}}
{{- default (include "jenkins.fullname" .) .Values.admin.existingSecret -}}
{{- end -}}

{{- define "jenkins.claim" -}}
{{- default (include "jenkins.fullname" .) .Values.persistence.existingClaim -}}
{{- end -}}

{{- define "jenkins.containerSecurity" -}}
securityContext:
{{- if .Values.privileged }}
  privileged: true
  runAsUser: 0
{{- else }}
  privileged: false
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: false
  capabilities:
    drop: ["ALL"]
{{- end }}
{{- end -}}
