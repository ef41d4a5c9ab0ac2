package io.ckan.operator.model;

import io.ckan.sim.CkanJobs;
import io.ckan.sim.Scenario;
import io.ckan.sim.SimulatedCluster;
import io.ckan.sim.SteppedSimulation;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.mockwebserver.dsl.MockServerExpectation;
import io.fabric8.mockwebserver.dsl.DelayPathable;
import io.fabric8.mockwebserver.dsl.ReturnOrWebsocketable;
import io.fabric8.mockwebserver.dsl.TimesOnceableOrHttpHeaderable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * One stepped simulated cluster for every try of the model (a fresh namespace per try): the mock API server with the
 * CRD, the scenario the tries' faults are rules of, and two clients: the admin one (the model, a person, the
 * simulation) and the operator's, whose requests {@link #faults} can fail.
 */
final class ModelCluster {
  private static final Path CRD = Path.of("target/classes/META-INF/fabric8/ckaninstances.ckan.io-v1.yml");
  private static ModelCluster shared;

  final SimulatedCluster cluster;
  final KubernetesClient admin;
  final KubernetesClient operator;
  final ApiFaults faults;

  private ModelCluster() {
    Scenario scenario = Scenario.create().defaultJobBehaviour(CkanJobs.succeed(Duration.ofSeconds(1)));
    cluster = SimulatedCluster.stepped(scenario);
    cluster.applyCrd(CRD);
    admin = cluster.client();
    // the mock matches expectations by exact method and path: one per method
    List<Function<MockServerExpectation, DelayPathable<ReturnOrWebsocketable<TimesOnceableOrHttpHeaderable<Void>>>>>
        methods = List.of(MockServerExpectation::get, MockServerExpectation::post, MockServerExpectation::put,
            MockServerExpectation::patch, MockServerExpectation::delete);
    for (int code : new int[] {409, 500}) {
      methods.forEach(method -> method.apply(cluster.server().expect()).withPath(ApiFaults.PATH + code)
          .andReturn(code, new StatusBuilder().withStatus("Failure").withCode(code)
              .withMessage("injected by the model").build()).always());
    }
    faults = new ApiFaults(URI.create(cluster.apiUrl()), closedPort());
    operator = new KubernetesClientBuilder().withConfig(cluster.clientConfig())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("model-faults", faults)).build();
  }

  /** Started on first use and kept for the JVM: starting the mock server costs more than a hundred tries. */
  static synchronized ModelCluster get() {
    if (shared == null) {
      shared = new ModelCluster();
      Runtime.getRuntime().addShutdownHook(new Thread(shared.cluster::close));
    }
    return shared;
  }

  Scenario scenario() {
    return cluster.scenario();
  }

  SteppedSimulation sim() {
    return cluster.stepper();
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The API faults: the k-th request of the operator's client from now answers 409 or 500, or never connects. */
  static final class ApiFaults implements Interceptor {
    static final String PATH = "/model-fault/";
    /** The code for "the request timed out": no HTTP answer at all. */
    static final int TIMEOUT = 0;
    private final URI api;
    private final int deadPort;
    private int countdown;
    private int code;
    private boolean fired;

    ApiFaults(URI api, int deadPort) {
      this.api = api;
      this.deadPort = deadPort;
    }

    void arm(int request, int code) {
      this.countdown = request;
      this.code = code;
      this.fired = false;
    }

    /** Whether the armed fault failed a request; disarms. */
    boolean disarm() {
      boolean was = fired;
      countdown = 0;
      fired = false;
      return was;
    }

    boolean fired() {
      return fired;
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, Interceptor.RequestTags tags) {
      if (countdown > 0 && --countdown == 0) {
        fired = true;
        builder.uri(code == TIMEOUT ? URI.create("http://127.0.0.1:" + deadPort + request.uri().getPath())
            : api.resolve(PATH + code));
      }
    }
  }
}
