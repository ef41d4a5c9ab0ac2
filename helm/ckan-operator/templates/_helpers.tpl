{{/*
Chart name, truncated to 63 characters (DNS-1123 label limit).
*/}}
{{- define "ckan-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name: <release>-<chart>, or the release name if it already contains the chart name.
*/}}
{{- define "ckan-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart label value: <name>-<version>.
*/}}
{{- define "ckan-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels (immutable: never add to these after a release).
*/}}
{{- define "ckan-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ckan-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "ckan-operator.labels" -}}
helm.sh/chart: {{ include "ckan-operator.chart" . }}
{{ include "ckan-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: ckan-operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
ServiceAccount name.
*/}}
{{- define "ckan-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ckan-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create=false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Image reference, always pinned by digest: <repository>@sha256:<hex>.
*/}}
{{- define "ckan-operator.image" -}}
{{- $digest := required "image.digest is required: the operator image is pinned by digest (set image.digest=sha256:<64 hex>, e.g. --set image.digest=sha256:...)" .Values.image.digest }}
{{- if not (regexMatch "^sha256:[a-f0-9]{64}$" $digest) }}
{{- fail (printf "image.digest must look like sha256:<64 lowercase hex>, got %q" $digest) }}
{{- end }}
{{- $repo := required "image.repository is required" .Values.image.repository }}
{{- if or (contains "@" $repo) (regexMatch ":[^/]+$" $repo) }}
{{- fail (printf "image.repository must not contain a tag or digest (use image.tag / image.digest), got %q" $repo) }}
{{- end }}
{{- printf "%s@%s" $repo $digest }}
{{- end }}

{{/*
Watched namespaces, de-duplicated, in order.
*/}}
{{- define "ckan-operator.watchNamespaces" -}}
{{- .Values.watchNamespaces | default list | uniq | join "," }}
{{- end }}

{{/*
RBAC rules the operator needs (shared by the ClusterRole and the per-namespace Roles). Least privilege:
secrets only by name (get: do the referenced keys exist; create: the <instance>-keys and <instance>-services
Secrets it generates once; never list, watch, update or delete), no wildcards, no finalizer or spec writes on
CkanInstances.
*/}}
{{- define "ckan-operator.rbacRules" -}}
- apiGroups: ["ckan.io"]
  resources: ["ckaninstances"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["ckan.io"]
  resources: ["ckaninstances/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- apiGroups: [""]
  resources: ["services", "configmaps"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "create"]
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["get", "list", "watch", "create"]
- apiGroups: ["networking.k8s.io"]
  resources: ["ingresses"]
  verbs: ["get", "list", "watch", "create", "update"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end }}
