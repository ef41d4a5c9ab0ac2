package io.ckan.operator.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the Helm chart in {@code helm/ckan-operator} with a real Helm binary: lint, render, and assert the security
 * properties we promise (image pinned by digest, restricted pod security, least-privilege RBAC).
 *
 * <p>Helm is found via {@code HELM_BIN} or at {@code <repo>/helm/helm} ({@code bash scripts/install-helm.sh} puts it
 * there; CI runs that script). Without Helm the Helm-based tests are skipped, not failed.
 */
class HelmChartTest {

  private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);
  private static final String RELEASE = "ckan-operator";
  private static final String RELEASE_NAMESPACE = "ckan-system";
  private static final String CRD_FILE = "ckaninstances.ckan.io-v1.yml";

  /** Exactly the permissions the operator needs: "apiGroup/resource:verb". Anything more is a review item. */
  /** What the operator uses (RbacAsUsedTest derives it from the operator's requests and holds the chart to it). */
  private static final Set<String> EXPECTED_PERMISSIONS = permissions(
      "ckan.io", List.of("ckaninstances"), List.of("list", "watch"),
      "ckan.io", List.of("ckaninstances/status"), List.of("update", "patch"),
      "apps", List.of("deployments"), List.of("get", "list", "watch", "create", "patch", "delete"),
      "", List.of("services", "configmaps"), List.of("get", "list", "watch", "create", "patch", "delete"),
      "batch", List.of("jobs"), List.of("get", "list", "watch", "create", "patch", "delete"),
      "batch", List.of("cronjobs"), List.of("list", "watch", "create", "patch", "delete"),
      "", List.of("secrets"), List.of("get", "create"),
      "", List.of("persistentvolumeclaims"), List.of("get", "list", "watch", "create"),
      "networking.k8s.io", List.of("ingresses"), List.of("get", "list", "watch", "create", "update", "delete"),
      "", List.of("pods"), List.of("list"),
      "", List.of("events"), List.of("create"));

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @TempDir
  Path helmHome;

  // ---------------------------------------------------------------------------------------------------------------
  // tests

  @Test
  void lintPassesWithDigest() throws Exception {
    HelmResult r = helm("lint", "--strict", chartDir().toString(), "--set", "image.digest=" + DIGEST);
    assertEquals(0, r.exitCode, () -> "helm lint failed:\n" + r.stdout + r.stderr);
    assertTrue(r.stdout.contains("0 chart(s) failed"), r.stdout);
  }

  @Test
  void templateWithoutDigestFailsWithRequiredMessage() throws Exception {
    HelmResult r = helm("template", RELEASE, chartDir().toString(), "--namespace", RELEASE_NAMESPACE);
    assertNotEquals(0, r.exitCode, () -> "helm template without image.digest must fail, got:\n" + r.stdout);
    assertTrue(r.stderr.contains("image.digest is required"), () -> "expected the required message, got:\n" + r.stderr);
  }

  @Test
  void templateRejectsMalformedDigest() throws Exception {
    HelmResult r = helm("template", RELEASE, chartDir().toString(), "--set", "image.digest=sha256:abc");
    assertNotEquals(0, r.exitCode, () -> "a malformed digest must be rejected, got:\n" + r.stdout);
  }

  @Test
  void deploymentImageIsPinnedByDigest() throws Exception {
    Deployment d = deployment(render("--set", "image.tag=v0.1.0"));
    Container c = operatorContainer(d);
    assertEquals("ghcr.io/ckan/ckan-operator@" + DIGEST, c.getImage(), "image must be repository@digest");
    assertTrue(c.getImage().matches("[^@]+@sha256:[0-9a-f]{64}"), c.getImage());
    assertFalse(c.getImage().contains(":v0.1.0"), "image.tag is for display only, never used to pull");
    assertEquals(List.of("run"), c.getArgs());
    assertEquals(2, d.getSpec().getReplicas(), "two replicas with leader election by default");
    assertEquals("RollingUpdate", d.getSpec().getStrategy().getType(), "only the Lease holder reconciles");
    assertEquals(RELEASE_NAMESPACE, d.getMetadata().getNamespace());
    Map<String, String> labels = d.getMetadata().getLabels();
    assertEquals("ckan-operator", labels.get("app.kubernetes.io/name"));
    assertEquals(RELEASE, labels.get("app.kubernetes.io/instance"));
    assertEquals("Helm", labels.get("app.kubernetes.io/managed-by"));
  }

  @Test
  void podSecurityIsRestricted() throws Exception {
    Deployment d = deployment(render());
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
    assertEquals(65532L, pod.getSecurityContext().getRunAsUser());
    assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
    assertNotEquals(Boolean.TRUE, pod.getHostNetwork());
    assertNotEquals(Boolean.TRUE, pod.getHostPID());
    assertNotEquals(Boolean.TRUE, pod.getHostIPC());

    Container c = operatorContainer(d);
    var sc = c.getSecurityContext();
    assertNotNull(sc, "container securityContext");
    assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation());
    assertEquals(Boolean.TRUE, sc.getReadOnlyRootFilesystem());
    assertNotEquals(Boolean.TRUE, sc.getPrivileged());
    assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
    assertTrue(sc.getCapabilities().getAdd() == null || sc.getCapabilities().getAdd().isEmpty(), "no added caps");
    assertNotEquals(0L, sc.getRunAsUser(), "never root");

    VolumeMount tmp = c.getVolumeMounts().stream().filter(m -> "/tmp".equals(m.getMountPath())).findFirst()
        .orElseThrow(() -> new AssertionError("/tmp must be mounted (read-only root filesystem)"));
    Volume tmpVolume = pod.getVolumes().stream().filter(v -> v.getName().equals(tmp.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("volume " + tmp.getName()));
    assertNotNull(tmpVolume.getEmptyDir(), "/tmp is an emptyDir");
    for (Volume v : pod.getVolumes()) {
      assertNull(v.getHostPath(), "no hostPath volumes: " + v.getName());
    }
  }

  @Test
  void probesPortsResourcesAndEnv() throws Exception {
    Container c = operatorContainer(deployment(render()));
    assertEquals(1, c.getPorts().size());
    assertEquals("http", c.getPorts().get(0).getName());
    assertEquals(8080, c.getPorts().get(0).getContainerPort());
    assertEquals("/healthz", c.getLivenessProbe().getHttpGet().getPath());
    assertEquals("http", c.getLivenessProbe().getHttpGet().getPort().getStrVal());
    assertEquals("/readyz", c.getReadinessProbe().getHttpGet().getPath());
    assertEquals("http", c.getReadinessProbe().getHttpGet().getPort().getStrVal());
    assertNotNull(c.getResources().getRequests().get("memory"), "memory request");
    assertNotNull(c.getResources().getLimits().get("memory"), "memory limit");
    assertEquals("", env(c, "CKAN_OPERATOR_NAMESPACES"), "empty = watch all namespaces");
    assertTrue(env(c, "JAVA_TOOL_OPTIONS").contains("MaxRAMPercentage"), "JAVA_TOOL_OPTIONS from values");
    // the JVM choices ScaleBenchmark measured for a 512 MiB container (README "Measured: scale")
    for (String flag : java.util.List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=32m")) {
      assertTrue(env(c, "JAVA_TOOL_OPTIONS").contains(flag), flag);
    }
  }

  @Test
  void clusterScopedRbacWhenNoWatchNamespaces() throws Exception {
    List<JsonNode> docs = withoutLeaseRbac(render());
    assertTrue(ofKind(docs, "Role").isEmpty(), "no namespaced Roles when watching all namespaces");
    assertTrue(ofKind(docs, "RoleBinding").isEmpty());
    List<JsonNode> clusterRoles = ofKind(docs, "ClusterRole");
    assertEquals(1, clusterRoles.size(), "one ClusterRole");
    assertLeastPrivilege(clusterRoles.get(0));

    List<JsonNode> bindings = ofKind(docs, "ClusterRoleBinding");
    assertEquals(1, bindings.size(), "one ClusterRoleBinding");
    ClusterRoleBinding b = SERIALIZATION.convertValue(bindings.get(0), ClusterRoleBinding.class);
    assertEquals("ClusterRole", b.getRoleRef().getKind());
    assertEquals(clusterRoles.get(0).path("metadata").path("name").asText(), b.getRoleRef().getName());
    assertBindsOperatorServiceAccount(docs, b.getSubjects());
  }

  @Test
  void namespacedRbacWhenWatchNamespacesSet() throws Exception {
    List<JsonNode> docs = withoutLeaseRbac(render("--set", "watchNamespaces={a,b}"));
    assertTrue(ofKind(docs, "ClusterRole").isEmpty(), "no cluster-wide rights when watchNamespaces is set");
    assertTrue(ofKind(docs, "ClusterRoleBinding").isEmpty());

    List<JsonNode> roles = ofKind(docs, "Role");
    assertEquals(Set.of("a", "b"), namespaces(roles), "one Role per watched namespace");
    assertEquals(2, roles.size());
    roles.forEach(HelmChartTest::assertLeastPrivilege);

    List<JsonNode> bindings = ofKind(docs, "RoleBinding");
    assertEquals(Set.of("a", "b"), namespaces(bindings), "one RoleBinding per watched namespace");
    assertEquals(2, bindings.size());
    for (JsonNode node : bindings) {
      RoleBinding b = SERIALIZATION.convertValue(node, RoleBinding.class);
      assertEquals("Role", b.getRoleRef().getKind());
      assertTrue(roles.stream().anyMatch(r -> r.path("metadata").path("name").asText().equals(b.getRoleRef().getName())
              && r.path("metadata").path("namespace").asText().equals(b.getMetadata().getNamespace())),
          "RoleBinding in " + b.getMetadata().getNamespace() + " refers to the Role in the same namespace");
      assertBindsOperatorServiceAccount(docs, b.getSubjects());
    }

    assertEquals("a,b", env(operatorContainer(deployment(docs)), "CKAN_OPERATOR_NAMESPACES"));
  }

  /** The CRD is generated from the Java API types by the build and copied into the chart's crds/ directory. */
  @Test
  void chartShipsTheCrd() throws IOException {
    Path crd = chartDir().resolve("crds").resolve(CRD_FILE);
    assertTrue(Files.isRegularFile(crd), () -> crd + " is missing; generate it with "
        + "`mvn -B -pl operator -am -Pupdate-crds -DskipTests process-classes`");
    JsonNode doc = YAML.readTree(crd.toFile());
    assertEquals("CustomResourceDefinition", doc.path("kind").asText());
    assertEquals("ckaninstances.ckan.io", doc.path("metadata").path("name").asText());
  }

  /** The committed chart CRD must not drift from the one the build generates (target/classes/META-INF/fabric8). */
  @Test
  void chartCrdMatchesGeneratedCrd() throws IOException {
    Path generated = Path.of("target", "classes", "META-INF", "fabric8", CRD_FILE).toAbsolutePath();
    assumeTrue(Files.isRegularFile(generated), "no generated CRD at " + generated + " (crd-generator did not run)");
    Path chartCrd = chartDir().resolve("crds").resolve(CRD_FILE);
    assumeTrue(Files.isRegularFile(chartCrd), "no chart CRD yet (see chartShipsTheCrd)");
    // Compared as YAML trees (formatting does not matter); the message stays short instead of dumping both CRDs.
    assertTrue(YAML.readTree(generated.toFile()).equals(YAML.readTree(chartCrd.toFile())),
        "helm/ckan-operator/crds/" + CRD_FILE + " differs from the generated " + generated
            + "; refresh it with `mvn -B -pl operator -am -Pupdate-crds -DskipTests process-classes`");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // HA, metrics, and every option on

  private static final String ALL_ON = "ci/all-on-values.yaml";
  private static final String LEASE_RBAC = "-leader-election";

  @Test
  void lintPassesWithEveryOptionOn() throws Exception {
    HelmResult r = helm("lint", "--strict", chartDir().toString(), "-f", chartDir().resolve(ALL_ON).toString());
    assertEquals(0, r.exitCode, () -> "helm lint failed:\n" + r.stdout + r.stderr);
  }

  @Test
  void leaderElectionGetsALeaseRoleInTheReleaseNamespaceInBothModes() throws Exception {
    for (List<JsonNode> docs : List.of(render(), render("--set", "watchNamespaces={a,b}"))) {
      List<JsonNode> roles = ofKind(docs, "Role").stream().filter(HelmChartTest::isLeaseRbac).toList();
      assertEquals(1, roles.size());
      assertEquals(RELEASE_NAMESPACE, roles.get(0).path("metadata").path("namespace").asText());
      List<PolicyRule> rules = new ArrayList<>();
      roles.get(0).path("rules").forEach(n -> rules.add(SERIALIZATION.convertValue(n, PolicyRule.class)));
      assertEquals(1, rules.size());
      assertEquals(List.of("coordination.k8s.io"), rules.get(0).getApiGroups());
      assertEquals(List.of("leases"), rules.get(0).getResources());
      assertEquals(List.of("get", "create", "update", "patch"), rules.get(0).getVerbs());
      RoleBinding b = SERIALIZATION.convertValue(ofKind(docs, "RoleBinding").stream().filter(HelmChartTest::isLeaseRbac)
          .findFirst().orElseThrow(), RoleBinding.class);
      assertEquals(roles.get(0).path("metadata").path("name").asText(), b.getRoleRef().getName());
      assertBindsOperatorServiceAccount(docs, b.getSubjects());
    }
    List<JsonNode> single = render("--set", "leaderElection.enabled=false", "--set", "replicas=1");
    assertTrue(single.stream().noneMatch(HelmChartTest::isLeaseRbac), "no Lease rights without leader election");
  }

  @Test
  void theOperatorKnowsItsPodNameNamespaceAndLease() throws Exception {
    Container c = operatorContainer(deployment(render()));
    assertEquals("true", env(c, "CKAN_OPERATOR_LEADER_ELECTION"));
    assertEquals("ckan-operator-leader", env(c, "CKAN_OPERATOR_LEASE_NAME"));
    assertEquals("metadata.name", fieldRef(c, "CKAN_OPERATOR_POD_NAME"));
    assertEquals("metadata.namespace", fieldRef(c, "CKAN_OPERATOR_NAMESPACE"));
    assertEquals("20", env(c, "CKAN_OPERATOR_DRAIN_SECONDS"));
    assertEquals("300", env(c, "CKAN_OPERATOR_STUCK_AFTER_SECONDS"));
  }

  @Test
  void oneReplicaWithoutLeaderElectionIsReplacedWithRecreateAndTwoAreRefused() throws Exception {
    Deployment d = deployment(render("--set", "leaderElection.enabled=false", "--set", "replicas=1"));
    assertEquals(1, d.getSpec().getReplicas());
    assertEquals("Recreate", d.getSpec().getStrategy().getType(), "two operators must never run at once");
    assertTrue(ofKind(render("--set", "replicas=1"), "PodDisruptionBudget").isEmpty(), "no PDB for one replica");
    HelmResult r = helm("template", RELEASE, chartDir().toString(), "--set", "image.digest=" + DIGEST,
        "--set", "leaderElection.enabled=false");
    assertNotEquals(0, r.exitCode, "2 replicas without leader election must be refused");
    assertTrue(r.stderr.contains("replicas > 1 needs leaderElection.enabled=true"), r.stderr);
    HelmResult drain = helm("template", RELEASE, chartDir().toString(), "--set", "image.digest=" + DIGEST,
        "--set", "drainSeconds=30");
    assertNotEquals(0, drain.exitCode, "the drain must end before the grace period");
  }

  @Test
  void aPodDisruptionBudgetAndAMetricsServiceSelectTheOperatorPods() throws Exception {
    List<JsonNode> docs = render();
    Deployment d = deployment(docs);
    Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
    var pdb = SERIALIZATION.convertValue(ofKind(docs, "PodDisruptionBudget").get(0),
        io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class);
    assertEquals(1, pdb.getSpec().getMinAvailable().getIntVal());
    assertTrue(podLabels.entrySet().containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet()));
    var svc = SERIALIZATION.convertValue(ofKind(docs, "Service").get(0), io.fabric8.kubernetes.api.model.Service.class);
    assertTrue(podLabels.entrySet().containsAll(svc.getSpec().getSelector().entrySet()));
    assertEquals("http-metrics", svc.getSpec().getPorts().get(0).getName());
    assertEquals("http", svc.getSpec().getPorts().get(0).getTargetPort().getStrVal(), "the probes' port serves /metrics");
    assertTrue(ofKind(docs, "ServiceMonitor").isEmpty(), "the ServiceMonitor is optional and off by default");

    List<JsonNode> allOn = render("-f", chartDir().resolve(ALL_ON).toString());
    JsonNode monitor = ofKind(allOn, "ServiceMonitor").get(0);
    assertEquals("monitoring.coreos.com/v1", monitor.path("apiVersion").asText());
    assertEquals("prometheus", monitor.path("metadata").path("labels").path("release").asText());
    assertEquals("http-metrics", monitor.path("spec").path("endpoints").get(0).path("port").asText());
    var allOnSvc = SERIALIZATION.convertValue(ofKind(allOn, "Service").get(0),
        io.fabric8.kubernetes.api.model.Service.class);
    monitor.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(e ->
        assertEquals(e.getValue().asText(), allOnSvc.getMetadata().getLabels().get(e.getKey()), e.getKey()));
  }

  /**
   * Every rendered object (defaults, and every option on) is read as its Kubernetes model type with no field left
   * over: a misspelt or misplaced field lands in a model's additionalProperties and fails here.
   */
  @Test
  void renderedObjectsPassTheKubernetesSchema() throws Exception {
    Map<String, Class<?>> types = Map.of("Deployment", Deployment.class, "Service",
        io.fabric8.kubernetes.api.model.Service.class, "ServiceAccount", io.fabric8.kubernetes.api.model.ServiceAccount.class,
        "PodDisruptionBudget", io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class,
        "Role", io.fabric8.kubernetes.api.model.rbac.Role.class, "RoleBinding", RoleBinding.class,
        "ClusterRole", io.fabric8.kubernetes.api.model.rbac.ClusterRole.class, "ClusterRoleBinding",
        ClusterRoleBinding.class);
    for (List<JsonNode> docs : List.of(render(), render("-f", chartDir().resolve(ALL_ON).toString()))) {
      for (JsonNode doc : docs) {
        String kind = doc.path("kind").asText();
        if (kind.equals("ServiceMonitor")) {
          continue; // not a Kubernetes model type; its fields are checked above
        }
        Class<?> type = types.get(kind);
        assertNotNull(type, "a rendered kind without a schema check: " + kind);
        Object typed = SERIALIZATION.convertValue(doc, type);
        List<String> unknown = new ArrayList<>();
        unknownFields(typed, kind, unknown, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        assertEquals(List.of(), unknown, "fields the Kubernetes schema does not have");
      }
    }
  }

  @Test
  void theValuesSchemaRefusesUnknownAndMistypedValues() throws Exception {
    for (String[] bad : List.of(new String[] {"--set", "replica=2"}, new String[] {"--set", "replicas=0"},
        new String[] {"--set", "metrics.serviceMonitor.interval=often"},
        new String[] {"--set", "leaderElection.enabled=maybe"})) {
      List<String> args = new ArrayList<>(List.of("template", RELEASE, chartDir().toString(), "--set",
          "image.digest=" + DIGEST));
      args.addAll(List.of(bad));
      HelmResult r = helm(args.toArray(String[]::new));
      assertNotEquals(0, r.exitCode, () -> String.join(" ", bad) + " must be refused by values.schema.json");
    }
  }

  /** Collects the paths of non-empty additionalProperties in a fabric8 model object graph. */
  private static void unknownFields(Object o, String path, List<String> out, Set<Object> seen) throws Exception {
    if (o == null || !seen.add(o)) {
      return;
    }
    if (o instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        unknownFields(list.get(i), path + "[" + i + "]", out, seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> map) {
      for (var e : map.entrySet()) {
        unknownFields(e.getValue(), path + "." + e.getKey(), out, seen);
      }
      return;
    }
    if (!o.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (var m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getName().equals("getClass")) {
        continue;
      }
      Object value = m.invoke(o);
      if (m.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          out.add(path + ": " + extra.keySet());
        }
      } else {
        unknownFields(value, path + "." + m.getName().substring(3), out, seen);
      }
    }
  }

  private static boolean isLeaseRbac(JsonNode doc) {
    return doc.path("metadata").path("name").asText().endsWith(LEASE_RBAC);
  }

  /** Without the Roles of the operator's own namespace (the Lease's, the release-line override's). */
  private static List<JsonNode> withoutLeaseRbac(List<JsonNode> docs) {
    return docs.stream().filter(d -> !isLeaseRbac(d) && !isReleaseLinesRbac(d)).toList();
  }

  private static final String RELEASE_LINES_RBAC = "-release-lines";

  private static boolean isReleaseLinesRbac(JsonNode doc) {
    return doc.path("metadata").path("name").asText().endsWith(RELEASE_LINES_RBAC);
  }

  @Test
  void theReleaseLineOverrideIsReadableByNameInTheReleaseNamespaceOnly() throws Exception {
    for (List<JsonNode> docs : List.of(render(), render("--set", "watchNamespaces={a,b}"))) {
      List<JsonNode> roles = ofKind(docs, "Role").stream().filter(HelmChartTest::isReleaseLinesRbac).toList();
      assertEquals(1, roles.size());
      assertEquals(RELEASE_NAMESPACE, roles.get(0).path("metadata").path("namespace").asText());
      List<PolicyRule> rules = new ArrayList<>();
      roles.get(0).path("rules").forEach(n -> rules.add(SERIALIZATION.convertValue(n, PolicyRule.class)));
      assertEquals(1, rules.size());
      assertEquals(List.of("configmaps"), rules.get(0).getResources());
      assertEquals(List.of("ckan-release-lines"), rules.get(0).getResourceNames());
      assertEquals(List.of("get"), rules.get(0).getVerbs());
      RoleBinding b = SERIALIZATION.convertValue(ofKind(docs, "RoleBinding").stream()
          .filter(HelmChartTest::isReleaseLinesRbac).findFirst().orElseThrow(), RoleBinding.class);
      assertEquals(roles.get(0).path("metadata").path("name").asText(), b.getRoleRef().getName());
      assertBindsOperatorServiceAccount(docs, b.getSubjects());
    }
    List<JsonNode> without = render("--set", "releaseLinesConfigMap=");
    assertTrue(without.stream().noneMatch(HelmChartTest::isReleaseLinesRbac), "no override: no Role");
  }

  private static String fieldRef(Container c, String name) {
    return c.getEnv().stream().filter(e -> name.equals(e.getName())).findFirst()
        .map(e -> e.getValueFrom().getFieldRef().getFieldPath())
        .orElseThrow(() -> new AssertionError("env " + name + " missing"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // RBAC assertions

  private static void assertLeastPrivilege(JsonNode role) {
    String where = role.path("kind").asText() + " " + role.path("metadata").path("namespace").asText("")
        + "/" + role.path("metadata").path("name").asText();
    List<PolicyRule> rules = new ArrayList<>();
    role.path("rules").forEach(n -> rules.add(SERIALIZATION.convertValue(n, PolicyRule.class)));
    assertFalse(rules.isEmpty(), where + " has rules");
    Set<String> granted = new TreeSet<>();
    for (PolicyRule rule : rules) {
      assertTrue(rule.getNonResourceURLs() == null || rule.getNonResourceURLs().isEmpty(), where + ": nonResourceURLs");
      assertTrue(rule.getResourceNames() == null || rule.getResourceNames().isEmpty(), where + ": resourceNames");
      for (String g : rule.getApiGroups()) {
        assertFalse(g.contains("*"), where + ": wildcard apiGroup in " + rule);
        for (String res : rule.getResources()) {
          assertFalse(res.contains("*"), where + ": wildcard resource in " + rule);
          // secrets: get (do referenced keys exist) and create (generated keys, once); never list/watch (no bulk
          // reads), never update, patch or delete (a Secret is never overwritten)
          assertFalse(res.startsWith("secrets/"), where + ": no secret subresources");
          assertTrue(!res.equals("secrets") || rule.getVerbs().equals(List.of("get", "create")), where
              + ": secrets may only be read one by one by name and created: " + rule);
          for (String verb : rule.getVerbs()) {
            assertFalse(verb.contains("*"), where + ": wildcard verb in " + rule);
            granted.add(g + "/" + res + ":" + verb);
          }
        }
      }
    }
    assertEquals(EXPECTED_PERMISSIONS, granted, where + " grants exactly the operator's permissions");
  }

  private static void assertBindsOperatorServiceAccount(List<JsonNode> docs, List<Subject> subjects) {
    List<JsonNode> sas = ofKind(docs, "ServiceAccount");
    assertEquals(1, sas.size(), "the chart creates one ServiceAccount");
    String saName = sas.get(0).path("metadata").path("name").asText();
    assertEquals(1, subjects.size(), "exactly one subject");
    Subject s = subjects.get(0);
    assertEquals("ServiceAccount", s.getKind());
    assertEquals(saName, s.getName());
    assertEquals(RELEASE_NAMESPACE, s.getNamespace());
    String podSa = deployment(docs).getSpec().getTemplate().getSpec().getServiceAccountName();
    assertEquals(saName, podSa, "the operator pod runs as the bound ServiceAccount");
  }

  private static Set<String> permissions(Object... triples) {
    Set<String> out = new TreeSet<>();
    for (int i = 0; i < triples.length; i += 3) {
      String group = (String) triples[i];
      @SuppressWarnings("unchecked") List<String> resources = (List<String>) triples[i + 1];
      @SuppressWarnings("unchecked") List<String> verbs = (List<String>) triples[i + 2];
      for (String r : resources) {
        for (String v : verbs) {
          out.add(group + "/" + r + ":" + v);
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // rendering helpers

  private List<JsonNode> render(String... extraArgs) throws Exception {
    List<String> args = new ArrayList<>(List.of("template", RELEASE, chartDir().toString(),
        "--namespace", RELEASE_NAMESPACE, "--set", "image.digest=" + DIGEST));
    args.addAll(List.of(extraArgs));
    HelmResult r = helm(args.toArray(String[]::new));
    assertEquals(0, r.exitCode, () -> "helm template failed:\n" + r.stderr);
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(r.stdout)) {
      while (it.hasNextValue()) {
        JsonNode doc = it.nextValue();
        if (doc != null && doc.isObject() && doc.has("kind")) {
          docs.add(doc);
        }
      }
    }
    assertFalse(docs.isEmpty(), "helm template rendered nothing");
    return docs;
  }

  private static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).collect(Collectors.toList());
  }

  private static Set<String> namespaces(List<JsonNode> docs) {
    return docs.stream().map(d -> d.path("metadata").path("namespace").asText()).collect(Collectors.toSet());
  }

  private static Deployment deployment(List<JsonNode> docs) {
    List<JsonNode> deployments = ofKind(docs, "Deployment");
    assertEquals(1, deployments.size(), "one Deployment");
    return SERIALIZATION.convertValue(deployments.get(0), Deployment.class);
  }

  private static Container operatorContainer(Deployment d) {
    List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
    assertEquals(1, containers.size(), "one container");
    return containers.get(0);
  }

  private static String env(Container c, String name) {
    return c.getEnv().stream().filter(e -> name.equals(e.getName())).map(EnvVar::getValue).findFirst()
        .map(v -> v == null ? "" : v)
        .orElseThrow(() -> new AssertionError("env " + name + " missing"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // locating and running helm

  /** The repository root: Maven runs the tests in operator/, so it is the parent of the working directory. */
  private static Path repoRoot() {
    Path cwd = Path.of("").toAbsolutePath();
    if (Files.isDirectory(cwd.resolve("helm").resolve("ckan-operator"))) {
      return cwd; // run from the repository root (e.g. an IDE)
    }
    return cwd.getParent();
  }

  private static Path chartDir() {
    Path chart = repoRoot().resolve("helm").resolve("ckan-operator");
    assertTrue(Files.isRegularFile(chart.resolve("Chart.yaml")), "chart not found at " + chart);
    return chart;
  }

  private static Path helmBinary() {
    String fromEnv = System.getenv("HELM_BIN");
    Path bin = fromEnv != null && !fromEnv.isBlank()
        ? Path.of(fromEnv)
        : repoRoot().resolve("helm").resolve("helm");
    assumeTrue(Files.isExecutable(bin),
        "helm not found at " + bin + "; install it with `bash scripts/install-helm.sh` (or set HELM_BIN)");
    return bin;
  }

  private HelmResult helm(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(helmBinary().toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(repoRoot().toFile());
    // Never touch the user's Helm state or cluster configuration.
    Map<String, String> env = pb.environment();
    env.put("HELM_CACHE_HOME", helmHome.resolve("cache").toString());
    env.put("HELM_CONFIG_HOME", helmHome.resolve("config").toString());
    env.put("HELM_DATA_HOME", helmHome.resolve("data").toString());
    env.put("KUBECONFIG", helmHome.resolve("no-kubeconfig").toString());
    env.remove("HELM_NAMESPACE");
    env.remove("HELM_KUBECONTEXT");
    Path stderrFile = helmHome.resolve("stderr-" + System.nanoTime() + ".txt");
    pb.redirectError(stderrFile.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("helm " + String.join(" ", args) + " timed out");
    }
    String stderr = Files.readString(stderrFile, StandardCharsets.UTF_8);
    return new HelmResult(p.exitValue(), stdout, stderr);
  }

  private record HelmResult(int exitCode, String stdout, String stderr) {}
}
