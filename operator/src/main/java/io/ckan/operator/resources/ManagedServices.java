package io.ckan.operator.resources;

import io.ckan.operator.contract.Names;
import io.ckan.operator.contract.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quickstart services owned by the instance: PostgreSQL (with the CKAN and DataStore databases), Solr with the CKAN
 * schema, and Redis, each a single-replica Deployment and a Service.
 *
 * <p><b>NOT for production.</b> Storage is an emptyDir: deleting or rescheduling a pod loses its data (the catalogue,
 * the search index, queued jobs and sessions). There are no backups, no high availability and no upgrades of the
 * services' major versions. Every object carries {@code ckan.io/not-for-production: "true"}. Production instances
 * point {@code spec.services} at managed PostgreSQL, Solr and Redis instead.
 *
 * <p>Credentials: one Secret {@code <instance>-services} with the keys below; when it does not exist the operator
 * creates it once with random passwords ({@link GeneratedSecrets}). The operator never reads it back; pods get its
 * keys through secretKeyRef. Example (passwords: 16+ characters of A-Z a-z 0-9 . _ ~ -):
 * <pre>
 * postgres-password:   &lt;superuser password&gt;
 * database-url:        postgresql://ckan:&lt;password&gt;@portal-db:5432/ckan
 * datastore-write-url: postgresql://ckan:&lt;password&gt;@portal-db:5432/datastore        (optional)
 * datastore-read-url:  postgresql://datastore_ro:&lt;password2&gt;@portal-db:5432/datastore (optional)
 * redis-url:           redis://:&lt;password3&gt;@portal-redis:6379/0
 * </pre>
 *
 * <p>Images are referenced by tag: the release pipeline pins them by digest ({@link #POSTGRES_IMAGE},
 * {@link #REDIS_IMAGE}, {@link #solrImage(String)}).
 */
public final class ManagedServices {
  private ManagedServices() {}

  public static final String NOT_FOR_PRODUCTION = "ckan.io/not-for-production";

  // keys of the <instance>-services Secret
  public static final String POSTGRES_PASSWORD_KEY = "postgres-password";
  public static final String DATABASE_URL_KEY = "database-url";
  public static final String DATASTORE_WRITE_URL_KEY = "datastore-write-url";
  public static final String DATASTORE_READ_URL_KEY = "datastore-read-url";
  public static final String REDIS_URL_KEY = "redis-url";

  // components (app.kubernetes.io/component) of the managed services
  public static final String DATABASE = "database";
  public static final String SOLR = "solr";
  public static final String REDIS = "redis";

  /** Tag, not digest: the release pipeline pins it (postgres image: user postgres = 999). */
  public static final String POSTGRES_IMAGE = "postgres:16";
  /** Tag, not digest: the release pipeline pins it (redis image: user redis = 999). */
  public static final String REDIS_IMAGE = "redis:7";
  /** ckan/ckan-solr images: Solr 9 with the schema of the CKAN line; the solr image's user is 8983. */
  public static final String SOLR_REPOSITORY = "ckan/ckan-solr";

  public static final int POSTGRES_PORT = 5432;
  public static final int SOLR_PORT = 8983;
  public static final int REDIS_PORT = 6379;

  static final long POSTGRES_UID = 999;
  static final long REDIS_UID = 999;
  static final long SOLR_UID = 8983;
  static final String INIT_SCRIPT = "10-ckan-databases.sh";
  static final String DATA_VOLUME = "data";

  public static String secretName(String instance) {
    return Names.OfInstance.SERVICES.of(instance);
  }

  /**
   * What the operator writes into {@code <instance>-services} when it generates it ({@link GeneratedSecrets}): random
   * passwords (URL-safe, 32+ characters) and the URLs of the managed services built from them.
   */
  static Map<String, String> secretData(String instance, java.util.function.Supplier<String> random) {
    String superuser = random.get();
    String ckan = random.get();
    String readOnly = random.get();
    String redis = random.get();
    String db = databaseName(instance) + ":" + POSTGRES_PORT;
    Map<String, String> data = new java.util.LinkedHashMap<>();
    data.put(POSTGRES_PASSWORD_KEY, superuser);
    data.put(DATABASE_URL_KEY, "postgresql://ckan:" + ckan + "@" + db + "/ckan");
    data.put(DATASTORE_WRITE_URL_KEY, "postgresql://ckan:" + ckan + "@" + db + "/datastore");
    data.put(DATASTORE_READ_URL_KEY, "postgresql://datastore_ro:" + readOnly + "@" + db + "/datastore");
    data.put(REDIS_URL_KEY, "redis://:" + redis + "@" + redisName(instance) + ":" + REDIS_PORT + "/0");
    return data;
  }

  public static String databaseName(String instance) {
    return Names.OfInstance.DATABASE.of(instance);
  }

  public static String databaseInitName(String instance) {
    return Names.OfInstance.DATABASE_INIT.of(instance);
  }

  public static String solrName(String instance) {
    return Names.OfInstance.SOLR.of(instance);
  }

  public static String redisName(String instance) {
    return Names.OfInstance.REDIS.of(instance);
  }

  /** The CKAN core of the managed Solr, as CKAN_SOLR_URL wants it. */
  public static String solrUrl(String instance) {
    return "http://" + solrName(instance) + ":" + SOLR_PORT + "/solr/ckan";
  }

  /** {@code ckan/ckan-solr:<X.Y>-solr9}: the schema follows the CKAN line (2.10 -> 2.10-solr9). */
  public static String solrImage(String ckanVersion) {
    return SOLR_REPOSITORY + ":" + CkanLine.of(ckanVersion) + "-solr9";
  }

  /** Everything to apply, in order: the init script first, then each service's Deployment and Service. */
  public static List<HasMetadata> objects(Owner owner, String ckanVersion) {
    String instance = owner.name();
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(new ConfigMapBuilder()
        .withMetadata(owner.meta(databaseInitName(instance), labels(instance, DATABASE), annotations()))
        .withData(Map.of(INIT_SCRIPT, ManagedScripts.POSTGRES_INIT))
        .build());
    objects.add(postgres(owner));
    objects.add(service(owner, databaseName(instance), DATABASE, "postgresql", POSTGRES_PORT));
    objects.add(solr(owner, ckanVersion));
    objects.add(service(owner, solrName(instance), SOLR, "http", SOLR_PORT));
    objects.add(redis(owner));
    objects.add(service(owner, redisName(instance), REDIS, "redis", REDIS_PORT));
    return List.copyOf(objects);
  }

  static Map<String, String> labels(String instance, String component) {
    return Labels.instance(instance, component);
  }

  static Map<String, String> annotations() {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(NOT_FOR_PRODUCTION, "true");
    return annotations;
  }

  private static Map<String, String> selector(String instance, String component) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(Labels.INSTANCE, instance);
    selector.put(Labels.COMPONENT, component);
    return selector;
  }

  private static Deployment postgres(Owner owner) {
    String instance = owner.name();
    Container container = new ContainerBuilder()
        .withName("postgres")
        .withImage(POSTGRES_IMAGE)
        .addNewPort().withName("postgresql").withContainerPort(POSTGRES_PORT).withProtocol("TCP").endPort()
        .withEnv(
            secretEnv("POSTGRES_PASSWORD", instance, POSTGRES_PASSWORD_KEY, false),
            // a subdirectory of the volume, so the entrypoint creates it owned by 999 with mode 700 (initdb insists)
            new EnvVarBuilder().withName("PGDATA").withValue("/var/lib/postgresql/data/pgdata").build(),
            secretEnv("CKAN_DATABASE_URL", instance, DATABASE_URL_KEY, false),
            secretEnv("CKAN_DATASTORE_WRITE_URL", instance, DATASTORE_WRITE_URL_KEY, true),
            secretEnv("CKAN_DATASTORE_READ_URL", instance, DATASTORE_READ_URL_KEY, true))
        .withVolumeMounts(
            mount(DATA_VOLUME, "/var/lib/postgresql/data"),
            new VolumeMountBuilder().withName("init").withMountPath("/docker-entrypoint-initdb.d").withReadOnly(true)
                .build())
        .withReadinessProbe(new ProbeBuilder()
            .withNewExec().withCommand("pg_isready", "--host", "127.0.0.1", "--port", "5432").endExec()
            .withPeriodSeconds(5).withTimeoutSeconds(3).withFailureThreshold(3).build())
        .withNewResources().withRequests(requests("100m", "256Mi")).endResources()
        .withSecurityContext(RestrictedSecurity.container())
        .build();
    Volume init = new VolumeBuilder().withName("init")
        .withNewConfigMap().withName(databaseInitName(instance)).withDefaultMode(0555).endConfigMap().build();
    // the postgres image supports any numeric user; 999 is its own postgres user, so its files stay consistent
    return deployment(owner, databaseName(instance), DATABASE, container, RestrictedSecurity.pod(POSTGRES_UID, 999),
        List.of(emptyDir(DATA_VOLUME), init));
  }

  private static Deployment solr(Owner owner, String ckanVersion) {
    String instance = owner.name();
    // command and args left to the image: `solr-precreate ckan <configset>` creates the core on an empty /var/solr
    Container container = new ContainerBuilder()
        .withName("solr")
        .withImage(solrImage(ckanVersion))
        .addNewPort().withName("http").withContainerPort(SOLR_PORT).withProtocol("TCP").endPort()
        .withVolumeMounts(mount(DATA_VOLUME, "/var/solr"))
        .withReadinessProbe(new ProbeBuilder()
            .withNewHttpGet().withPath("/solr/ckan/admin/ping").withPort(new IntOrString("http")).endHttpGet()
            .withInitialDelaySeconds(10).withPeriodSeconds(10).withTimeoutSeconds(5).withFailureThreshold(6).build())
        .withNewResources().withRequests(requests("100m", "1Gi")).endResources()
        .withSecurityContext(RestrictedSecurity.container())
        .build();
    return deployment(owner, solrName(instance), SOLR, container, RestrictedSecurity.pod(SOLR_UID, SOLR_UID),
        List.of(emptyDir(DATA_VOLUME)));
  }

  private static Deployment redis(Owner owner) {
    String instance = owner.name();
    Container container = new ContainerBuilder()
        .withName("redis")
        .withImage(REDIS_IMAGE)
        .withCommand("sh", "-c", ManagedScripts.REDIS_START)
        .addNewPort().withName("redis").withContainerPort(REDIS_PORT).withProtocol("TCP").endPort()
        .withEnv(secretEnv("REDIS_URL", instance, REDIS_URL_KEY, false))
        .withVolumeMounts(mount(DATA_VOLUME, "/data"))
        .withReadinessProbe(tcp("redis"))
        .withNewResources().withRequests(requests("50m", "64Mi")).endResources()
        .withSecurityContext(RestrictedSecurity.container())
        .build();
    return deployment(owner, redisName(instance), REDIS, container, RestrictedSecurity.pod(REDIS_UID, REDIS_UID),
        List.of(emptyDir(DATA_VOLUME)));
  }

  private static Deployment deployment(Owner owner, String name, String component, Container container,
      PodSecurityContext security, List<Volume> volumes) {
    Map<String, String> labels = labels(owner.name(), component);
    return new DeploymentBuilder()
        .withMetadata(owner.meta(name, labels, annotations()))
        .withNewSpec()
          .withReplicas(1)
          // one pod at a time: a second one would start on its own empty volume
          .withNewStrategy().withType("Recreate").endStrategy()
          .withRevisionHistoryLimit(1)
          .withNewSelector().withMatchLabels(selector(owner.name(), component)).endSelector()
          .withNewTemplate()
            .withNewMetadata().withLabels(labels).withAnnotations(annotations()).endMetadata()
            .withNewSpec()
              .withAutomountServiceAccountToken(false)
              .withEnableServiceLinks(false)
              .withSecurityContext(security)
              .withContainers(container)
              .withVolumes(volumes)
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }

  private static Service service(Owner owner, String name, String component, String portName, int port) {
    return new ServiceBuilder()
        .withMetadata(owner.meta(name, labels(owner.name(), component), annotations()))
        .withNewSpec()
          .withType("ClusterIP")
          .withSelector(selector(owner.name(), component))
          .addNewPort().withName(portName).withPort(port).withTargetPort(new IntOrString(portName))
            .withProtocol("TCP").endPort()
        .endSpec()
        .build();
  }

  private static EnvVar secretEnv(String name, String instance, String key, boolean optional) {
    return new EnvVarBuilder().withName(name)
        .withNewValueFrom().withNewSecretKeyRef().withName(secretName(instance)).withKey(key)
          .withOptional(optional ? Boolean.TRUE : null).endSecretKeyRef().endValueFrom()
        .build();
  }

  /** emptyDir: quickstart storage, gone with the pod. */
  private static Volume emptyDir(String name) {
    return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
  }

  private static VolumeMount mount(String name, String path) {
    return new VolumeMountBuilder().withName(name).withMountPath(path).build();
  }

  private static Probe tcp(String port) {
    return new ProbeBuilder().withNewTcpSocket().withPort(new IntOrString(port)).endTcpSocket()
        .withPeriodSeconds(5).withTimeoutSeconds(3).withFailureThreshold(3).build();
  }

  private static Map<String, Quantity> requests(String cpu, String memory) {
    Map<String, Quantity> requests = new LinkedHashMap<>();
    requests.put("cpu", new Quantity(cpu));
    requests.put("memory", new Quantity(memory));
    return requests;
  }
}
