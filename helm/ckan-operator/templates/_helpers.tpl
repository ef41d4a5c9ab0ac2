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
{{- /*
The operator's rights, exactly what it uses: RbacAsUsedTest records every request the operator sends against the
simulated cluster (rollout, build, failed build and retry, migration, revert, rollback, pruning, Ingress, uploads
volume, managed services, Events, a failed reconcile) and fails when a rule here is missing or never used.
list + watch are the informers' (one per kind, label selector app.kubernetes.io/managed-by=ckan-operator);
get is the name guard's look-up before a create (a name held by someone else's object stops the release).
*/ -}}
{{- define "ckan-operator.rbacRules" -}}
# CkanInstances: read only through the informer; the operator never writes spec or metadata (no finalizers)
- apiGroups: ["ckan.io"]
  resources: ["ckaninstances"]
  verbs: ["list", "watch"]
# status: replaced whole after a reconcile (update, optimistic locking); a failed reconcile's Ready=False (patch)
- apiGroups: ["ckan.io"]
  resources: ["ckaninstances/status"]
  verbs: ["update", "patch"]
# revision and worker Deployments, managed services: created, scaled and annotated (verdicts) by patch, pruned
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
# pointer and revision Services; config snapshot and Dockerfile ConfigMaps (immutable data; verdict and schema
# annotations by patch; the pointer moves by a patch conditional on its resourceVersion); pruned with their revision
- apiGroups: [""]
  resources: ["services", "configmaps"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
# build and migration Jobs: patch records a build's result and adds an instance as co-owner of a shared build;
# delete removes a failed build on a retry request and a pruned revision's migration
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
# spec.schedules' CronJobs: created, switched to the live revision and suspended on pause by patch, deleted when
# their schedule leaves the spec (a name taken by another object is looked up in the cache: no get)
- apiGroups: ["batch"]
  resources: ["cronjobs"]
  verbs: ["list", "watch", "create", "patch", "delete"]
# Secrets: get checks that every referenced key exists before a release starts (values never copied, logged or
# reported); create makes the generated keys and managed-services Secrets once (never list/watch, never updated)
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "create"]
# the uploads volume (spec.storage): cached, created once, never changed or deleted by the operator
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["get", "list", "watch", "create"]
# spec.ingress: created, updated when the spec's host, TLS or class change; a revision's preview Ingress
# (spec.ingress.previewHost) deleted with the revision or when previews are turned off
- apiGroups: ["networking.k8s.io"]
  resources: ["ingresses"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
# build and migration pods, listed by job-name: their termination message carries the digest / the schema heads
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list"]
# Events on the CkanInstance for each decision (each written once: no patch of a series)
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end }}
