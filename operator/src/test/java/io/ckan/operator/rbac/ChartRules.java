package io.ckan.operator.rbac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The RBAC rules the chart grants, rendered by helm ({@code HELM_BIN}, else {@code <repo>/helm/helm}): per Role or
 * ClusterRole ("Kind namespace/name"), the set of "group/resource:verb" it grants.
 */
public final class ChartRules {
  private ChartRules() {}

  /** The repository root: Maven runs the tests in operator/. */
  static Path repoRoot() {
    Path cwd = Path.of("").toAbsolutePath();
    return Files.isDirectory(cwd.resolve("helm").resolve("ckan-operator")) ? cwd : cwd.getParent();
  }

  /** Renders the chart with {@code --set} values and returns its roles' grants. */
  public static Map<String, Set<String>> render(Path work, String... sets) throws IOException, InterruptedException {
    String fromEnv = System.getenv("HELM_BIN");
    Path helm = fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : repoRoot().resolve("helm/helm");
    assumeTrue(Files.isExecutable(helm), "helm not found at " + helm + " (bash scripts/install-helm.sh, or HELM_BIN)");
    List<String> command = new ArrayList<>(List.of(helm.toString(), "template", "ckan-operator",
        repoRoot().resolve("helm/ckan-operator").toString(), "--namespace", "ckan-system", "--set",
        "image.digest=sha256:" + "0".repeat(64)));
    for (String set : sets) {
      command.addAll(List.of("--set", set));
    }
    ProcessBuilder pb = new ProcessBuilder(command);
    // never the user's Helm state or cluster
    pb.environment().put("HELM_CACHE_HOME", work.resolve("cache").toString());
    pb.environment().put("HELM_CONFIG_HOME", work.resolve("config").toString());
    pb.environment().put("HELM_DATA_HOME", work.resolve("data").toString());
    pb.environment().put("KUBECONFIG", work.resolve("no-kubeconfig").toString());
    pb.redirectError(work.resolve("helm-stderr.txt").toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    String yaml = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(120, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), () -> "helm template failed: " + read(work.resolve("helm-stderr.txt")));
    Map<String, Set<String>> grants = new TreeMap<>();
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
    try (MappingIterator<JsonNode> docs = mapper.readerFor(JsonNode.class).readValues(yaml)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        String kind = doc.path("kind").asText();
        if (!kind.equals("Role") && !kind.equals("ClusterRole")) {
          continue;
        }
        Set<String> granted = new TreeSet<>();
        for (JsonNode rule : doc.path("rules")) {
          rule.path("apiGroups").forEach(g -> rule.path("resources").forEach(r -> rule.path("verbs").forEach(v ->
              granted.add(g.asText() + "/" + r.asText() + ":" + v.asText()))));
        }
        grants.put(kind + " " + doc.path("metadata").path("namespace").asText("") + "/"
            + doc.path("metadata").path("name").asText(), granted);
      }
    }
    return grants;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
