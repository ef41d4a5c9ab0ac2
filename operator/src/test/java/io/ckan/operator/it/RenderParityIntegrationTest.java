package io.ckan.operator.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.StorageSpec;
import io.ckan.operator.cli.Main;
import io.ckan.operator.resources.GeneratedSecrets;
import io.ckan.operator.resources.InstanceObjects;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.resources.RuntimeEnv;
import io.ckan.sim.Scenario;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9: {@code render} prints exactly what the operator creates. Every example CkanInstance is rendered offline and
 * run by the real operator against the simulated cluster (one harness, one namespace per example) until it is Ready
 * on revision 1; then every object the operator created for it must be in render's output with the same content, and
 * render must print nothing the operator does not create. And finding 9: the uploads PVC outlives its instance.
 */
class RenderParityIntegrationTest extends IntegrationTest {
  static final String RENDER_UID = "00000000-0000-0000-0000-000000000000";
  /** How render prints the generated Secrets: commented out (see RenderCommand). */
  static final String SECRET_PREFIX = "#   ";

  /**
   * What the comparison leaves out, each with the reason. Everything else of an object (metadata.name, namespace,
   * labels, annotations, ownerReferences, spec, data, stringData, type, immutable) must be equal. A rule is
   * {@code [Kind[/name glob]:]dotted.path}; after {@code metadata.annotations.} the rest is one annotation key.
   */
  static final Map<String, String> IGNORED = ignored();

  private static Map<String, String> ignored() {
    Map<String, String> why = new LinkedHashMap<>();
    for (String field : List.of("uid", "resourceVersion", "creationTimestamp", "generation", "managedFields")) {
      why.put("metadata." + field, "assigned by the API server");
    }
    why.put("status", "written by the (simulated) controllers, not by the desired state");
    why.put("metadata.annotations." + Labels.VERDICT, "the revision's verdict, written once it is judged");
    why.put("metadata.annotations." + Labels.VERDICT_REASON, "written with the verdict");
    why.put("metadata.annotations." + Labels.RETRY_HANDLED, "written when a retry request is acted on");
    why.put("metadata.annotations." + Labels.ATTEMPT_STARTED_AT, "a timestamp, written when a revision is brought up");
    why.put("metadata.annotations." + Labels.SCHEMA_BEFORE, "the migration's result, recorded after it ran");
    why.put("metadata.annotations." + Labels.SCHEMA_AFTER, "the migration's result, recorded after it ran");
    why.put("metadata.annotations." + Labels.SWITCHED_AT, "pointer Service: a timestamp of the move");
    why.put("metadata.annotations." + Labels.PREVIOUS_REVISION, "pointer Service: written by a move");
    why.put("metadata.annotations." + Labels.HISTORY, "pointer Service: the moves so far, with their times");
    why.put("metadata.annotations." + Labels.ROLLBACK_HANDLED, "pointer Service: written by a rollback");
    why.put("metadata.annotations." + Labels.BUILT_IMAGE, "build Job: its result, recorded after it pushed");
    why.put("Job:metadata.annotations." + Labels.RESOLVED_COMMITS, "build Job: its result, recorded after it pushed "
        + "(on the Deployment the commits are compared, through the placeholder)");
    why.put("Job:metadata.annotations." + Labels.LOCKED_SET, "build Job: its result (the image's pip freeze), "
        + "recorded after it pushed (the lock ConfigMap is compared, through the placeholder)");
    why.put("Deployment/*-worker:spec.replicas", "workers are created with 0 and scaled when their revision takes "
        + "traffic (render says so in a comment)");
    return why;
  }

  /**
   * Values only the cluster knows, which render prints as placeholders: each matches the actual value by pattern
   * (not ignored). The owner's uid placeholder must stand for the instance's own uid.
   */
  static final Map<Pattern, String> PLACEHOLDERS = Map.of(
      Pattern.compile("<digest pushed by job/ckan-build-[0-9a-f]{12}>"), "[0-9a-f]{64}",
      Pattern.compile("<commit resolved by job/ckan-build-[0-9a-f]{12}>"), "[0-9a-f]{40}",
      Pattern.compile("<random>"), "[A-Za-z0-9_-]{43}",
      Pattern.compile("<pip freeze of the image pushed by job/ckan-build-[0-9a-f]{12}>"), "[\\s\\S]+");

  @TempDir
  Path tmp;

  record Example(String file, String namespace, CkanInstance instance, Map<String, JsonNode> rendered) {}

  @Test
  void everyExampleCreatesExactlyWhatRenderPrints() throws Exception {
    long started = System.nanoTime();
    h = new OperatorHarness(Scenario.create().timeScale(0.05));
    List<Example> examples = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("../examples"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        String text = Files.readString(file);
        if (!"CkanInstance".equals(Serialization.unmarshal(text, Map.class).get("kind"))) {
          continue;
        }
        CkanInstance ci = Serialization.unmarshal(text, CkanInstance.class);
        String namespace = "ex-" + file.getFileName().toString().replace(".yaml", "");
        ci.getMetadata().setNamespace(namespace);
        Path copy = tmp.resolve(file.getFileName());
        Files.writeString(copy, Serialization.asYaml(ci));
        examples.add(new Example(file.getFileName().toString(), namespace, ci, render(copy)));
      }
    }
    assertFalse(examples.isEmpty(), "no example CkanInstance in ../examples");
    for (Example e : examples) {
      h.client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(e.namespace()).endMetadata()
          .build()).create();
      userSecrets(e);
      h.client.resource(e.instance()).create();
    }
    List<String> differences = new ArrayList<>();
    for (Example e : examples) {
      String name = e.instance().getMetadata().getName();
      CkanInstance live = awaitReady(e.namespace(), name);
      Map<String, JsonNode> created = created(e.namespace(), name, live.getMetadata().getUid());
      Set<String> missing = new TreeSet<>(created.keySet());
      missing.removeAll(e.rendered().keySet());
      Set<String> extra = new TreeSet<>(e.rendered().keySet());
      extra.removeAll(created.keySet());
      missing.forEach(k -> differences.add(e.file() + ": the operator created " + k + ", render does not print it"));
      extra.forEach(k -> differences.add(e.file() + ": render prints " + k + ", the operator did not create it"));
      for (String key : e.rendered().keySet()) {
        if (created.containsKey(key)) {
          compare(e.file() + " " + key, "", e.rendered().get(key), created.get(key), differences);
        }
      }
    }
    assertTrue(differences.isEmpty(), String.join("\n", differences) + "\njournal: " + h.journal);
    System.out.printf("render parity: %d examples, %d objects in %d ms%n", examples.size(),
        examples.stream().mapToInt(e -> e.rendered().size()).sum(), (System.nanoTime() - started) / 1_000_000);
  }

  /** render -f, offline: the objects it prints and the generated Secrets it shows commented out, by kind/name. */
  static Map<String, JsonNode> render(Path file) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(0, Main.execute(new String[] {"render", "-f", file.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)),
        file + ": " + err.toString(StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    List<HasMetadata> objects = new ArrayList<>(Serialization.<List<HasMetadata>>unmarshal(text));
    StringBuilder secrets = new StringBuilder();
    text.lines().filter(l -> l.startsWith(SECRET_PREFIX))
        .forEach(l -> secrets.append(l.substring(SECRET_PREFIX.length())).append('\n'));
    if (!secrets.isEmpty()) {
      objects.addAll(Serialization.<List<HasMetadata>>unmarshal(secrets.toString()));
    }
    Map<String, JsonNode> byKey = new TreeMap<>();
    for (HasMetadata o : objects) {
      assertNull(byKey.put(key(o), normalized(o, null)), "render prints " + key(o) + " twice");
    }
    return byKey;
  }

  /** The Secrets the example references and the operator does not generate, with made-up values. */
  void userSecrets(Example e) {
    CkanInstanceSpec spec = e.instance().getSpec();
    String name = e.instance().getMetadata().getName();
    List<String> generated = GeneratedSecrets.needed(spec, name);
    Map<String, SecretBuilder> secrets = new TreeMap<>();
    for (EnvVar v : RuntimeEnv.secretEnv(spec, name)) {
      var ref = v.getValueFrom().getSecretKeyRef();
      if (!generated.contains(ref.getName())) {
        secrets.computeIfAbsent(ref.getName(), n -> new SecretBuilder().withNewMetadata().withName(n)
            .withNamespace(e.namespace()).endMetadata()).addToStringData(ref.getKey(), "value-of-" + ref.getKey());
      }
    }
    secrets.values().forEach(s -> h.client.resource(s.build()).create());
  }

  CkanInstance awaitReady(String namespace, String name) {
    await().atMost(T).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      CkanInstance ci = h.client.resources(CkanInstance.class).inNamespace(namespace).withName(name).get();
      assertTrue(ci.getStatus() != null && ci.getStatus().conditions != null && ci.getStatus().conditions.stream()
          .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")),
          namespace + "/" + name + " Ready: " + (ci.getStatus() == null ? null : ci.getStatus().conditions));
      assertEquals(1, ci.getStatus().currentRevision);
    });
    return h.client.resources(CkanInstance.class).inNamespace(namespace).withName(name).get();
  }

  /**
   * Every object of the kinds the operator creates (its RBAC in the chart; Events are records, not desired state)
   * that is owned by the instance or labelled for it, by kind/name.
   */
  Map<String, JsonNode> created(String namespace, String name, String uid) {
    Map<String, JsonNode> byKey = new TreeMap<>();
    for (HasMetadata o : operatorKinds(namespace)) {
      Map<String, String> labels = o.getMetadata().getLabels() == null ? Map.of() : o.getMetadata().getLabels();
      boolean owned = o.getMetadata().getOwnerReferences() != null && o.getMetadata().getOwnerReferences().stream()
          .anyMatch(r -> uid.equals(r.getUid()));
      if (owned || name.equals(labels.get(Labels.INSTANCE))) {
        byKey.put(key(o), normalized(o, uid));
      }
    }
    return byKey;
  }

  /** Every object of a kind the operator may create (its RBAC in the chart, without Events) in the namespace. */
  List<HasMetadata> operatorKinds(String namespace) {
    List<HasMetadata> all = new ArrayList<>();
    all.addAll(h.client.apps().deployments().inNamespace(namespace).list().getItems());
    all.addAll(h.client.services().inNamespace(namespace).list().getItems());
    all.addAll(h.client.configMaps().inNamespace(namespace).list().getItems());
    all.addAll(h.client.batch().v1().jobs().inNamespace(namespace).list().getItems());
    all.addAll(h.client.secrets().inNamespace(namespace).list().getItems());
    all.addAll(h.client.persistentVolumeClaims().inNamespace(namespace).list().getItems());
    all.addAll(h.client.network().v1().ingresses().inNamespace(namespace).list().getItems());
    all.addAll(h.client.batch().v1().cronjobs().inNamespace(namespace).list().getItems());
    return all;
  }

  static String key(HasMetadata o) {
    return o.getKind() + "/" + o.getMetadata().getName();
  }

  /** The object as JSON without {@link #IGNORED}; {@code uid}: the owner's uid, written as render's placeholder. */
  static JsonNode normalized(HasMetadata o, String uid) {
    ObjectNode node = Serialization.jsonMapper().valueToTree(o);
    for (String rule : IGNORED.keySet()) {
      int colon = rule.indexOf(':');
      if (colon < 0 || key(o).matches(rule.substring(0, colon).replace("*", ".*") + (rule.substring(0, colon)
          .contains("/") ? "" : "/.*"))) {
        remove(node, rule.substring(colon + 1));
      }
    }
    JsonNode annotations = node.path("metadata").path("annotations");
    if (annotations.isObject() && annotations.isEmpty()) {
      ((ObjectNode) node.get("metadata")).remove("annotations");
    }
    for (JsonNode ref : node.path("metadata").path("ownerReferences")) {
      if (uid != null && uid.equals(ref.path("uid").asText())) {
        ((ObjectNode) ref).put("uid", RENDER_UID);
      }
    }
    JsonNode data = node.get("data");
    if ("Secret".equals(o.getKind()) && data != null) {
      // the operator writes stringData; an API server keeps it as base64 data
      ObjectNode stringData = node.has("stringData") ? (ObjectNode) node.get("stringData")
          : node.putObject("stringData");
      data.fields().forEachRemaining(f -> stringData.put(f.getKey(),
          new String(Base64.getDecoder().decode(f.getValue().asText()), StandardCharsets.UTF_8)));
      node.remove("data");
    }
    return node;
  }

  /** Removes a dotted path; after {@code metadata.annotations.} the rest is one annotation key (it has dots). */
  private static void remove(ObjectNode node, String path) {
    String annotations = "metadata.annotations.";
    if (path.startsWith(annotations)) {
      if (node.path("metadata").path("annotations") instanceof ObjectNode a) {
        a.remove(path.substring(annotations.length()));
      }
      return;
    }
    ObjectNode parent = node;
    String[] parts = path.split("\\.");
    for (int i = 0; i < parts.length - 1 && parent != null; i++) {
      parent = parent.get(parts[i]) instanceof ObjectNode child ? child : null;
    }
    if (parent != null) {
      parent.remove(parts[parts.length - 1]);
    }
  }

  /** Adds a line per difference between what render printed and what the operator created. */
  static void compare(String where, String path, JsonNode rendered, JsonNode actual, List<String> out) {
    if (rendered.isObject() && actual.isObject()) {
      Set<String> keys = new TreeSet<>();
      rendered.fieldNames().forEachRemaining(keys::add);
      actual.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        compare(where, path + "/" + k, rendered.path(k), actual.path(k), out);
      }
    } else if (rendered.isArray() && actual.isArray() && rendered.size() == actual.size()) {
      Iterator<JsonNode> r = rendered.elements();
      Iterator<JsonNode> a = actual.elements();
      for (int i = 0; r.hasNext(); i++) {
        compare(where, path + "/" + i, r.next(), a.next(), out);
      }
    } else if (!(rendered.isTextual() && actual.isTextual() ? matches(rendered.asText(), actual.asText())
        : rendered.equals(actual))) {
      out.add(where + " " + path + ": render " + abbreviate(rendered) + ", operator " + abbreviate(actual));
    }
  }

  /** Equal, or equal with each placeholder of render standing for a value of its pattern. */
  static boolean matches(String rendered, String actual) {
    String regex = Pattern.quote(rendered);
    for (var p : PLACEHOLDERS.entrySet()) {
      regex = p.getKey().matcher(regex).replaceAll(Matcher.quoteReplacement("\\E" + p.getValue() + "\\Q"));
    }
    return actual.matches(regex);
  }

  private static String abbreviate(JsonNode node) {
    String s = node.isMissingNode() ? "(absent)" : node.toString();
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  // ---- finding 9: the uploads outlive the instance ----------------------------------------------------------------

  /**
   * Deleting an instance leaves its uploads PVC, and an instance created again under the same name reuses it as it
   * is; with {@code storage.deleteWithInstance} the instance owns it. The fabric8 mock API server does not collect
   * garbage, so this test plays the garbage collector: after a delete it removes every object whose owner references
   * all name deleted instances, which is exactly what the real one acts on (ownerReferences, nothing else).
   */
  @Test
  void theUploadsClaimOutlivesItsInstanceUnlessItOptsIn() {
    h = new OperatorHarness(Scenario.create().timeScale(0.05));
    CkanInstanceSpec kept = RevisionRolloutIntegrationTest.spec("2.11.5", 1);
    kept.storage = new StorageSpec();
    kept.storage.size = "1Gi";
    CkanInstanceSpec owned = RevisionRolloutIntegrationTest.spec("2.11.5", 1);
    owned.storage = new StorageSpec();
    owned.storage.size = "1Gi";
    owned.storage.deleteWithInstance = true;
    h.apply(OperatorHarness.instance("portal", kept));
    h.apply(OperatorHarness.instance("archive", owned));
    h.awaitReady("portal", 1, T);
    h.awaitReady("archive", 1, T);

    PersistentVolumeClaim uploads = pvc("portal-storage");
    assertTrue(uploads.getMetadata().getOwnerReferences().isEmpty(), "no owner: the garbage collector leaves it");
    assertEquals("portal", uploads.getMetadata().getLabels().get(Labels.INSTANCE));
    assertEquals("true", uploads.getMetadata().getAnnotations().get(InstanceObjects.OUTLIVES_INSTANCE));
    String archiveUid = h.cr("archive").get().getMetadata().getUid();
    List<OwnerReference> archiveOwners = pvc("archive-storage").getMetadata().getOwnerReferences();
    assertEquals(List.of(archiveUid), archiveOwners.stream().map(OwnerReference::getUid).toList());
    assertTrue(archiveOwners.get(0).getController());
    // a person's mark on the claim, to see that nobody writes it again
    h.client.persistentVolumeClaims().inNamespace(OperatorHarness.NS).withName("portal-storage")
        .edit(p -> {
          p.getMetadata().getAnnotations().put("example.org/backup", "nightly");
          return p;
        });

    deleteAndCollectGarbage("portal");
    deleteAndCollectGarbage("archive");
    assertNull(pvc("archive-storage"), "deleteWithInstance: deleted with its instance");
    assertNull(h.client.apps().deployments().inNamespace(OperatorHarness.NS).withName("portal-r1").get(),
        "the release machinery went with the instance");
    PersistentVolumeClaim left = pvc("portal-storage");
    assertNotNull(left, "the uploads outlive the instance");
    assertEquals(uploads.getMetadata().getUid(), left.getMetadata().getUid());

    // the same name again, asking for more space: the existing claim is reused as it is, never overwritten
    kept.storage.size = "5Gi";
    h.apply(OperatorHarness.instance("portal", kept));
    h.awaitReady("portal", 1, T);
    PersistentVolumeClaim reused = pvc("portal-storage");
    assertEquals(uploads.getMetadata().getUid(), reused.getMetadata().getUid());
    assertEquals("nightly", reused.getMetadata().getAnnotations().get("example.org/backup"));
    assertEquals(new Quantity("1Gi"), reused.getSpec().getResources().getRequests().get("storage"));
    assertTrue(reused.getMetadata().getOwnerReferences().isEmpty());
    Deployment web = h.revisions("portal").get(1);
    assertTrue(web.getSpec().getTemplate().getSpec().getVolumes().stream().anyMatch(v ->
        v.getPersistentVolumeClaim() != null && "portal-storage".equals(v.getPersistentVolumeClaim().getClaimName())),
        "the new instance's pods mount the kept uploads");
    assertEquals(1, h.journal.stream().filter(l -> l.equals(OperatorHarness.NS + "/portal: created "
        + "PersistentVolumeClaim portal-storage")).count(), "created once, by the first instance: " + h.journal);
  }

  PersistentVolumeClaim pvc(String name) {
    return h.client.persistentVolumeClaims().inNamespace(OperatorHarness.NS).withName(name).get();
  }

  /** Deletes the instance, waits until it is gone, then removes what the garbage collector would. */
  void deleteAndCollectGarbage(String name) {
    String uid = h.cr(name).get().getMetadata().getUid();
    h.cr(name).delete();
    await().atMost(T).until(() -> h.cr(name).get() == null);
    for (HasMetadata o : operatorKinds(OperatorHarness.NS)) {
      List<OwnerReference> owners = o.getMetadata().getOwnerReferences();
      if (owners != null && !owners.isEmpty() && owners.stream().allMatch(r -> uid.equals(r.getUid()))) {
        h.client.resource(o).delete();
      }
    }
  }
}
