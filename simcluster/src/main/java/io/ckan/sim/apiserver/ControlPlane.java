package io.ckan.sim.apiserver;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real control plane on loopback for the apiserver tier: etcd and kube-apiserver from {@link KubeBinaries}, as child
 * processes of this JVM in one work directory, stopped by PID in {@link #close()}, and on request
 * ({@link #startGarbageCollector()}) kube-controller-manager running its garbage collector and nothing else. No
 * scheduler, no kubelet, no workload, namespace or service-account controllers: the simulated cluster's controllers
 * play the workload controllers.
 *
 * <ul>
 *   <li>etcd: plain HTTP on 127.0.0.1 (free ports), {@code --unsafe-no-fsync} (a test store);</li>
 *   <li>kube-apiserver: HTTPS on 127.0.0.1 with the self-signed serving certificate it generates into
 *       {@code certs/} (the kubeconfigs trust exactly that file), authentication by static bearer tokens (one per
 *       {@link User}), RBAC authorization, a service-account signing key generated here, and a JSON audit log of every
 *       request ({@link #audit()}).</li>
 * </ul>
 */
public final class ControlPlane implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  /** Who talks to the server; each has a token and a kubeconfig. All are cluster admins (system:masters). */
  public enum User {
    /** The tests' own client (the person, kubectl, the simulated controllers' reads). */
    ADMIN("test-admin"),
    /** The operator under test: its requests are told apart in the audit log by this name. */
    OPERATOR("ckan-operator"),
    /** The simulated controllers (kubelet, Deployment and Job controllers). */
    CONTROLLERS("sim-controllers"),
    /** kube-controller-manager (only its garbage collector runs). */
    CONTROLLER_MANAGER("kube-controller-manager");

    public final String username;

    User(String username) {
      this.username = username;
    }
  }

  private final KubeBinaries binaries;
  private final Path dir;
  private final int etcdPort = LocalProcesses.freePort();
  private final int etcdPeerPort = LocalProcesses.freePort();
  private final int port = LocalProcesses.freePort();
  private final Map<User, String> tokens = new LinkedHashMap<>();
  private final List<KubernetesClient> clients = new ArrayList<>();
  private Process etcd;
  private Process apiserver;
  private Process controllerManager;
  private Duration startedIn;

  private ControlPlane(KubeBinaries binaries, Path dir) {
    this.binaries = binaries;
    this.dir = dir.toAbsolutePath();
    SecureRandom random = new SecureRandom();
    for (User user : User.values()) {
      byte[] token = new byte[24];
      random.nextBytes(token);
      tokens.put(user, HexFormat.of().formatHex(token));
    }
  }

  /** Starts etcd, then kube-apiserver, and waits until the server is ready and namespace {@code default} usable. */
  public static ControlPlane start(KubeBinaries binaries, Path workDir) {
    ControlPlane cp = new ControlPlane(binaries, workDir);
    long t0 = System.nanoTime();
    try {
      cp.startEtcd();
      cp.startApiserver();
      cp.namespace("default");
      cp.startedIn = Duration.ofNanos(System.nanoTime() - t0);
      return cp;
    } catch (RuntimeException e) {
      cp.close();
      throw e;
    }
  }

  // ---------------------------------------------------------------- what tests use

  public URI url() {
    return URI.create("https://127.0.0.1:" + port);
  }

  public Duration startedIn() {
    return startedIn;
  }

  public Path workDir() {
    return dir;
  }

  public KubeBinaries binaries() {
    return binaries;
  }

  /** The last {@code lines} lines of a component's log: "etcd", "kube-apiserver", "kube-controller-manager". */
  public String logTail(String component, int lines) {
    return LocalProcesses.tailOf(dir.resolve(component + ".log"), lines);
  }

  /** The user's kubeconfig (server, the serving certificate as CA, token, namespace default). */
  public Path kubeconfig(User user) {
    return dir.resolve("kubeconfig-" + user.username);
  }

  /** A fabric8 Config from {@link #kubeconfig(User)}, without client retries (failures show, as on the mock). */
  public Config config(User user) {
    try {
      Config config = Config.fromKubeconfig(null, Files.readString(kubeconfig(user)), kubeconfig(user).toString());
      config.setRequestRetryBackoffLimit(0);
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client for the user, closed with the control plane. */
  public synchronized KubernetesClient client(User user) {
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config(user)).build();
    clients.add(client);
    return client;
  }

  /** The requests the server has answered so far. */
  public AuditLog audit() {
    return new AuditLog(dir.resolve("audit.log"));
  }

  /**
   * Creates a namespace (unless it exists) and its {@code default} ServiceAccount, which the ServiceAccount admission
   * plugin wants for every pod and which only the controller manager (not running here) would otherwise create.
   */
  public void namespace(String name) {
    KubernetesClient admin = client(User.ADMIN);
    awaitTrue("namespace " + name, () -> {
      try {
        if (admin.namespaces().withName(name).get() == null) {
          admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
              .create();
        }
        if (admin.serviceAccounts().inNamespace(name).withName("default").get() == null) {
          admin.serviceAccounts().inNamespace(name).resource(new ServiceAccountBuilder().withNewMetadata()
              .withName("default").endMetadata().build()).create();
        }
        return true;
      } catch (KubernetesClientException e) {
        return false; // "default" is created by the server itself shortly after start: 409 or 404 until then
      }
    }, apiserver, dir.resolve("kube-apiserver.log"));
  }

  /**
   * Creates the CustomResourceDefinitions in {@code crdYaml} and waits until the server reports each Established and
   * its watch cache serves lists: Established comes before that, and a list from the cache (resourceVersion=0, what
   * informers send first) answers 429 "storage is (re)initializing" for a moment.
   */
  public List<CustomResourceDefinition> applyCrds(InputStream crdYaml) {
    KubernetesClient admin = client(User.ADMIN);
    List<CustomResourceDefinition> established = new ArrayList<>();
    for (HasMetadata item : admin.load(crdYaml).items()) {
      if (!(item instanceof CustomResourceDefinition crd)) {
        throw new IllegalArgumentException("not a CustomResourceDefinition: " + item.getKind());
      }
      admin.apiextensions().v1().customResourceDefinitions().resource(crd).create();
      established.add(admin.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream()
              .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
              START_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
      String apiVersion = crd.getSpec().getGroup() + "/" + crd.getSpec().getVersions().stream()
          .filter(v -> Boolean.TRUE.equals(v.getStorage())).findFirst().orElseThrow().getName();
      String kind = crd.getSpec().getNames().getKind();
      awaitTrue("the " + kind + " watch cache", () -> {
        try {
          admin.genericKubernetesResources(apiVersion, kind).inAnyNamespace()
              .list(new ListOptionsBuilder().withResourceVersion("0").build());
          return true;
        } catch (KubernetesClientException e) {
          return false;
        }
      }, apiserver, dir.resolve("kube-apiserver.log"));
    }
    return established;
  }

  /**
   * The pinned kubectl as {@code user} (its kubeconfig) with {@code args}, for a process builder; run it with
   * {@link #kubectlEnvironment} so that kubectl's discovery cache goes to the work directory, not {@code ~/.kube}.
   */
  public List<String> kubectlCommand(User user, String... args) {
    List<String> command = new ArrayList<>(List.of(binaries.kubectl().toString(), "--kubeconfig=" + kubeconfig(user)));
    command.addAll(List.of(args));
    return command;
  }

  /** Edits a child process environment for {@link #kubectlCommand}: no KUBECONFIG, HOME in the work directory. */
  public void kubectlEnvironment(Map<String, String> env) {
    env.remove("KUBECONFIG");
    env.put("HOME", dir.toString());
  }

  // ---------------------------------------------------------------- kube-controller-manager

  /**
   * Starts kube-controller-manager with only its garbage collector (deletes what an owner reference ties to a deleted
   * owner, foreground and background deletion alike) and the claim-protection controller the collector needs to
   * finish deleting a PersistentVolumeClaim; returns once it has logged that the garbage collector started.
   * Idempotent.
   */
  public synchronized ControlPlane startGarbageCollector() {
    if (controllerManager != null) {
      return this;
    }
    Path log = dir.resolve("kube-controller-manager.log");
    controllerManager = spawn(List.of(binaries.controllerManager().toString(),
        "--kubeconfig=" + kubeconfig(User.CONTROLLER_MANAGER),
        "--authentication-kubeconfig=" + kubeconfig(User.CONTROLLER_MANAGER),
        "--authorization-kubeconfig=" + kubeconfig(User.CONTROLLER_MANAGER),
        "--controllers=" + GARBAGE_COLLECTOR + "," + PVC_PROTECTION,
        "--leader-elect=false",
        "--bind-address=127.0.0.1", "--secure-port=" + LocalProcesses.freePort(),
        "--cert-dir=" + dir.resolve("certs-controller-manager"),
        "--v=2"), log);
    awaitTrue("the garbage collector of kube-controller-manager", () -> logged(log, GARBAGE_COLLECTOR_STARTED),
        controllerManager, log);
    return this;
  }

  /** The controller's name in {@code --controllers} (kube-controller-manager 1.34). */
  static final String GARBAGE_COLLECTOR = "garbage-collector-controller";
  /**
   * Removes the {@code kubernetes.io/pvc-protection} finalizer the server puts on every claim once no pod uses it:
   * without it a collected claim would stay "Terminating" for ever.
   */
  static final String PVC_PROTECTION = "persistentvolumeclaim-protection-controller";
  /** What kube-controller-manager logs once the garbage collector's informers are started. */
  static final String GARBAGE_COLLECTOR_STARTED = "Started controller\" controller=\"" + GARBAGE_COLLECTOR;

  private static boolean logged(Path log, String text) {
    return LocalProcesses.readFrom(log, 0).contains(text);
  }

  // ---------------------------------------------------------------- etcd

  private void startEtcd() {
    String client = "http://127.0.0.1:" + etcdPort;
    String peer = "http://127.0.0.1:" + etcdPeerPort;
    Path log = dir.resolve("etcd.log");
    etcd = spawn(List.of(binaries.etcd().toString(), "--name=test", "--data-dir=" + dir.resolve("etcd-data"),
        "--listen-client-urls=" + client, "--advertise-client-urls=" + client, "--listen-peer-urls=" + peer,
        "--initial-advertise-peer-urls=" + peer, "--initial-cluster=test=" + peer, "--unsafe-no-fsync",
        "--log-level=warn"), log);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    awaitTrue("etcd on " + client, () -> answers(http, URI.create(client + "/health"), null, "\"health\":\"true\""),
        etcd, log);
  }

  // ---------------------------------------------------------------- kube-apiserver

  private void startApiserver() {
    Path certs = dir.resolve("certs");
    Path log = dir.resolve("kube-apiserver.log");
    try {
      Files.createDirectories(certs);
      Files.writeString(dir.resolve("sa.key"), serviceAccountKey());
      StringBuilder tokenFile = new StringBuilder();
      tokens.forEach((user, token) -> tokenFile.append(token).append(',').append(user.username).append(',')
          .append(user.username).append(",\"system:masters\"\n"));
      Files.writeString(dir.resolve("tokens.csv"), tokenFile);
      try (InputStream policy = ControlPlane.class.getResourceAsStream("audit-policy.yaml")) {
        Files.write(dir.resolve("audit-policy.yaml"), policy.readAllBytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir, e);
    }
    apiserver = spawn(List.of(binaries.apiserver().toString(),
        "--etcd-servers=http://127.0.0.1:" + etcdPort,
        "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port=" + port,
        "--cert-dir=" + certs,
        "--token-auth-file=" + dir.resolve("tokens.csv"),
        "--authorization-mode=RBAC",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file=" + dir.resolve("sa.key"),
        "--service-account-signing-key-file=" + dir.resolve("sa.key"),
        "--service-cluster-ip-range=10.96.0.0/16", // room for the scale benchmark's 2000+ Services
        // the "kubernetes" Service's endpoints would be 127.0.0.1, which Endpoints refuse: no reconciler
        "--endpoint-reconciler-type=none",
        "--enable-priority-and-fairness=false",
        "--profiling=false",
        "--audit-policy-file=" + dir.resolve("audit-policy.yaml"),
        "--audit-log-path=" + dir.resolve("audit.log"),
        "--audit-log-format=json"), log);
    Path servingCert = certs.resolve("apiserver.crt");
    awaitTrue("the serving certificate in " + certs, () -> Files.isRegularFile(servingCert), apiserver, log);
    for (User user : User.values()) {
      writeKubeconfig(user, servingCert);
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1))
        .sslContext(trusting(servingCert)).build();
    awaitTrue("kube-apiserver on " + url(), () -> answers(http, url().resolve("/readyz"), tokens.get(User.ADMIN), "ok"),
        apiserver, log);
  }

  private void writeKubeconfig(User user, Path ca) {
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: ckan-apiserver-tier
          cluster:
            server: %s
            certificate-authority: %s
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: ckan-apiserver-tier
          context:
            cluster: ckan-apiserver-tier
            user: %s
            namespace: default
        current-context: ckan-apiserver-tier
        """.formatted(url(), ca, user.username, tokens.get(user), user.username);
    try {
      Files.writeString(kubeconfig(user), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An RSA key for signing service-account tokens, PKCS#8 PEM (the server derives the public key from it). */
  private static String serviceAccountKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
      return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
          + "\n-----END PRIVATE KEY-----\n";
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SSLContext trusting(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("cert-" + i++, cert);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust " + pem, e);
    }
  }

  // ---------------------------------------------------------------- common

  private static boolean answers(HttpClient http, URI uri, String token, String expected) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 && response.body().contains(expected);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private Process spawn(List<String> command, Path log) {
    return LocalProcesses.spawn(command, dir, log);
  }

  private static void awaitTrue(String what, BooleanSupplier ready, Process process, Path log) {
    LocalProcesses.awaitReady(what, ready, process, log, START_TIMEOUT);
  }


  /**
   * Closes the clients, then stops kube-controller-manager, kube-apiserver and etcd (SIGTERM, then SIGKILL), each by
   * PID.
   */
  @Override
  public void close() {
    synchronized (this) {
      clients.forEach(KubernetesClient::close);
      clients.clear();
    }
    if (controllerManager != null) {
      LocalProcesses.stopTree(controllerManager.toHandle(), Duration.ofSeconds(10));
    }
    if (apiserver != null) {
      LocalProcesses.stopTree(apiserver.toHandle(), Duration.ofSeconds(10));
    }
    if (etcd != null) {
      LocalProcesses.stopTree(etcd.toHandle(), Duration.ofSeconds(10));
    }
  }
}
