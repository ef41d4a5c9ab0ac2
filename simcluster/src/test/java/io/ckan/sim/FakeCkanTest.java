package io.ckan.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FakeCkanTest {

  private static SimulatedCluster cluster;
  private static KubernetesClient client;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    cluster = SimulatedCluster.start(Scenario.create().timeScale(0.001));
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @BeforeEach
  void resetScenario() {
    cluster.scenario().clearRules();
  }

  @Test
  void statusShowReportsVersionFromTheTemplateAndPluginsFromTheConfigMap() throws Exception {
    deployRevision("site", 1, "2.11.3", "envvars activity datastore", true);

    HttpResponse<String> response = get("default", "site-r1", "status_show");
    assertEquals(200, response.statusCode());
    JsonNode body = Serialization.jsonMapper().readTree(response.body());
    assertTrue(body.get("success").asBoolean());
    assertTrue(body.get("help").asText().endsWith("/api/3/action/help_show?name=status_show"));
    JsonNode result = body.get("result");
    assertEquals("2.11.3", result.get("ckan_version").asText());
    assertEquals(List.of("envvars", "activity", "datastore"), strings(result.get("extensions")));
    assertEquals("https://site.example.org", result.get("site_url").asText());
    assertEquals("CKAN", result.get("site_title").asText());
    assertEquals("en", result.get("locale_default").asText());
  }

  @Test
  void pluginsFromThePlainContainerEnvWin() throws Exception {
    Deployment web = TestObjects.web("envsite", 1, 1, TestObjects.GOOD_DIGEST, "2.10.5");
    web.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
        .add(new io.fabric8.kubernetes.api.model.EnvVar("CKAN__PLUGINS", "stats text_view", null));
    client.resource(TestObjects.config("envsite", 1, "ignored")).create();
    client.resource(web).create();
    client.resource(TestObjects.revisionService("envsite", 1)).create();
    awaitAvailable("envsite-r1");
    JsonNode result = statusShow("default", "envsite-r1");
    assertEquals(List.of("stats", "text_view"), strings(result.get("extensions")));
    assertEquals("2.10.5", result.get("ckan_version").asText());
  }

  @Test
  void unavailableOrMissingDeploymentAnswers503() throws Exception {
    cluster.scenario().whenRevision("down", 1, Behaviour.crashLoop());
    deployRevision("down", 1, "2.11.3", "activity", false);
    Thread.sleep(50);
    assertEquals(503, get("default", "down-r1", "status_show").statusCode());
    assertEquals(503, get("default", "nothing-here", "status_show").statusCode());
    assertEquals(404, HTTP.send(HttpRequest.newBuilder(URI.create(cluster.statusShowBase() + "/x")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void overridesChangeWhatCkanReports() throws Exception {
    deployRevision("over", 1, "2.11.3", "envvars activity spatial_metadata", true);
    deployRevision("over", 2, "2.11.3", "envvars activity", true);

    cluster.scenario().ckanWhenRevision("over", 1, CkanBehaviour.reportsVersion("2.10.0").withoutPlugins("activity"));
    JsonNode result = statusShow("default", "over-r1");
    assertEquals("2.10.0", result.get("ckan_version").asText());
    assertEquals(List.of("envvars", "spatial_metadata"), strings(result.get("extensions")));

    cluster.scenario().clearRules().ckanWhenRevision("over", 1, CkanBehaviour.hidesVersion());
    assertFalse(statusShow("default", "over-r1").has("ckan_version"));

    cluster.scenario().clearRules().ckanWhenImageContains(TestObjects.GOOD_DIGEST, CkanBehaviour.httpError(500));
    assertEquals(500, get("default", "over-r2", "status_show").statusCode());
    assertEquals(500, get("default", "over-r2", "package_search").statusCode());

    cluster.scenario().clearRules().ckanWhenRevision("over", 2, CkanBehaviour.reportsPlugins("only_this"));
    assertEquals(List.of("only_this"), strings(statusShow("default", "over-r2").get("extensions")));
  }

  @Test
  void thePointerServiceAnswersFromTheRevisionItSelects() throws Exception {
    deployRevision("pointer", 1, "2.10.5", "activity", true);
    deployRevision("pointer", 2, "2.11.3", "activity", true);
    client.resource(TestObjects.service("pointer", "pointer", 1)).create();
    assertEquals("2.10.5", statusShow("default", "pointer").get("ckan_version").asText());

    client.services().inNamespace("default").withName("pointer").edit(s -> {
      s.getSpec().getSelector().put(Labels.REVISION, "2");
      return s;
    });
    assertEquals("2.11.3", statusShow("default", "pointer").get("ckan_version").asText());
  }

  @Test
  void packageSearchAndRequestCounts() throws Exception {
    deployRevision("counted", 1, "2.11.3", "activity", true);
    long before = cluster.ckan().totalRequests();
    HttpResponse<String> search = HTTP.send(HttpRequest.newBuilder(
            URI.create(cluster.serviceUrl("default", "counted-r1") + "/api/3/action/package_search?rows=0")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, search.statusCode());
    JsonNode body = Serialization.jsonMapper().readTree(search.body());
    assertTrue(body.get("success").asBoolean());
    assertEquals(0, body.get("result").get("count").asInt());

    for (int i = 0; i < 3; i++) {
      get("default", "counted-r1", "status_show");
    }
    assertEquals(3, cluster.ckan().statusShowCount("default", "counted-r1"));
    assertEquals(1, cluster.ckan().requestCount("/default/counted-r1/api/3/action/package_search"));
    assertEquals(before + 4, cluster.ckan().totalRequests());
    assertTrue(cluster.ckan().requestCounts().containsKey("/default/counted-r1/api/3/action/status_show"));
  }

  /**
   * During a dependency outage the fake answers the deep health check's requests exactly as the real CKAN 2.11.5 did
   * when the real-CKAN tier stopped that dependency ({@code ckan-recordings/outage-*.json}): same status, content
   * type and body (the site's address filled in). A healthy status_show is per Deployment (version, plugins) and is
   * checked above; here its status and content type.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"none", "solr", "database", "redis"})
  void everyCheckAnswersAsTheRealCkanDidDuringThatOutage(String outage) throws Exception {
    if (client.apps().deployments().inNamespace("default").withName("outages-r1").get() == null) {
      Deployment web = TestObjects.web("outages", 1, 1, TestObjects.GOOD_DIGEST, "2.11.5");
      // what the operator renders with a Redis configured (RuntimeEnv.SESSION_TYPE)
      web.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
          .add(new io.fabric8.kubernetes.api.model.EnvVar("CKAN___SESSION_TYPE", "redis", null));
      client.resource(TestObjects.config("outages", 1, "envvars activity")).create();
      client.resource(web).create();
      client.resource(TestObjects.revisionService("outages", 1)).create();
      awaitAvailable("outages-r1");
    }
    cluster.scenario().solrDown(outage.equals("solr")).databaseDown(outage.equals("database"))
        .redisDown(outage.equals("redis"));
    try {
      answersAsRecorded(outage);
    } finally {
      cluster.scenario().solrDown(false).databaseDown(false).redisDown(false);
    }
  }

  private static void answersAsRecorded(String outage) throws Exception {
    JsonNode recording;
    try (InputStream in = FakeCkanTest.class.getResourceAsStream("/ckan-recordings/outage-" + outage + ".json")) {
      recording = Serialization.jsonMapper().readTree(in);
    }
    String site = "http://outages-r1.default.svc.cluster.local";
    List<String> requests = new ArrayList<>();
    recording.path("answers").fieldNames().forEachRemaining(requests::add);
    assertEquals(List.of("status_show", "DATABASE", "SOLR", "REDIS"), requests);
    for (String request : requests) {
      JsonNode recorded = recording.path("answers").path(request);
      HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(cluster.statusShowBase() + "/default/outages-r1"
          + recorded.path("path").asText())).timeout(Duration.ofSeconds(5));
      recorded.path("headers").fields().forEachRemaining(h -> get.header(h.getKey(), h.getValue().asText()));
      HttpResponse<String> answer = HTTP.send(get.build(), HttpResponse.BodyHandlers.ofString());
      String what = outage + " " + request;
      assertEquals(recorded.path("status").asInt(), answer.statusCode(), what);
      assertEquals(recorded.path("contentType").asText(), answer.headers().firstValue("Content-Type").orElse(""),
          what);
      if (request.equals("status_show") && answer.statusCode() == 200 || request.equals("REDIS")
          && answer.statusCode() == 200) {
        assertTrue(Serialization.jsonMapper().readTree(answer.body()).path("success").asBoolean(), what);
      } else if (recorded.has("json")) {
        assertEquals(Serialization.jsonMapper().readTree(recorded.get("json").toString().replace("{site}", site)),
            Serialization.jsonMapper().readTree(answer.body()), what);
      } else {
        assertEquals(recorded.path("text").asText().replace("{site}", site), answer.body(), what);
      }
    }
  }

  private static void deployRevision(String instance, int revision, String version, String plugins,
      boolean waitAvailable) {
    client.resource(TestObjects.config(instance, revision, plugins)).create();
    client.resource(TestObjects.web(instance, revision, 1, TestObjects.GOOD_DIGEST, version)).create();
    client.resource(TestObjects.revisionService(instance, revision)).create();
    if (waitAvailable) {
      awaitAvailable(instance + "-r" + revision);
    }
  }

  private static void awaitAvailable(String name) {
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> {
      Deployment d = client.apps().deployments().inNamespace("default").withName(name).get();
      return d.getStatus() != null && Integer.valueOf(1).equals(d.getStatus().getAvailableReplicas());
    });
  }

  private static JsonNode statusShow(String namespace, String service) throws Exception {
    HttpResponse<String> response = get(namespace, service, "status_show");
    assertEquals(200, response.statusCode(), response.body());
    return Serialization.jsonMapper().readTree(response.body()).get("result");
  }

  private static HttpResponse<String> get(String namespace, String service, String action)
      throws IOException, InterruptedException {
    URI uri = URI.create(cluster.statusShowBase() + "/" + namespace + "/" + service + "/api/3/action/" + action);
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> strings(JsonNode array) {
    List<String> result = new ArrayList<>();
    array.forEach(n -> result.add(n.asText()));
    return result;
  }
}
