package io.ckan.operator.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.ckan.operator.api.BuildSpec;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.ImageSpec;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.api.SecretKeyRef;
import io.ckan.operator.api.SecretOption;
import io.ckan.operator.api.ServicesSpec;
import io.ckan.operator.api.WorkersSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a person reads in the {@code InvalidSpec} condition: every field to fix, each once, and nothing they did not
 * get wrong. Each row breaks (or stretches to its limit) one thing in a valid spec and lists exactly the fields the
 * outcome names, in order; an empty list means the spec is accepted.
 */
class InvalidSpecFieldsTest {

  static SecretOption secret(String option, String secretName, String key) {
    SecretOption o = new SecretOption();
    o.option = option;
    o.secretKeyRef = new SecretKeyRef(secretName, key);
    return o;
  }

  static Consumer<CkanInstanceSpec> secretConfig(SecretOption... options) {
    return s -> s.secretConfig = new ArrayList<>(Arrays.asList(options));
  }

  static Consumer<CkanInstanceSpec> rollout(Consumer<RolloutSpec> set) {
    return s -> {
      s.rollout = new RolloutSpec();
      set.accept(s.rollout);
    };
  }

  static Consumer<CkanInstanceSpec> build(Consumer<BuildSpec> set) {
    return s -> {
      s.build = new BuildSpec();
      s.build.registry = "registry.example.org/ckan/portal";
      set.accept(s.build);
    };
  }

  static Consumer<CkanInstanceSpec> managed(Consumer<ServicesSpec> set) {
    return s -> {
      s.services = new ServicesSpec();
      s.services.managed = true;
      set.accept(s.services);
    };
  }

  static Arguments row(String what, Consumer<CkanInstanceSpec> change, String... fields) {
    return Arguments.of(what, change, List.of(fields));
  }

  static Stream<Arguments> specs() {
    SecretKeyRef ok = new SecretKeyRef("ckan-services", "url");
    return Stream.of(
        row("several mistakes at once", s -> {
          s.version = null;
          s.replicas = -1;
          s.build = new BuildSpec();
          s.build.pushSecret = "Push_Secret";
        }, "spec.version", "spec.replicas", "spec.build.pushSecret"),
        // image
        row("base image with a second line", s -> s.image.base = "ckan/ckan-base:2.11.5\nRUN id", "spec.image.base"),
        row("own base and no prebuilt image", s -> {
          s.image = new ImageSpec();
          s.image.base = "registry.example.org/mirror/ckan-base:2.11.5";
        }),
        // extensions
        row("an empty extension entry", s -> s.extensions.add(null), "spec.extensions[2]"),
        row("extension without a name", s -> s.extensions.get(0).name = null, "spec.extensions[0].name"),
        row("extension name in capitals", s -> s.extensions.get(0).name = "DCAT", "spec.extensions[0].name"),
        row("git URL missing", s -> s.extensions.get(1).git.url = null, "spec.extensions[1].git.url"),
        row("git ref missing", s -> s.extensions.get(1).git.ref = null, "spec.extensions[1].git.ref"),
        row("git URL ending in no project name", s -> s.extensions.get(1).git.url = "https://github.com/ckan/~harvest",
            "spec.extensions[1].git.url"),
        row("git URL with a space", s -> s.extensions.get(1).git.url = "https://github.com/ckan/ckanext harvest",
            "spec.extensions[1].git.url"),
        row("git URL with a trailing slash", s -> s.extensions.get(1).git.url =
            "https://github.com/ckan/ckanext-harvest/"),
        row("one project from two URLs, one with a trailing slash", s -> s.extensions.add(SpecValidatorTest.git(
            "harvest-fork", "https://github.com/ckan/ckanext-harvest/", "v1.6.2")), "spec.extensions[2].git.url"),
        row("one project, spelled with '_'", s -> s.extensions.add(SpecValidatorTest.git(
            "harvest-fork", "https://gitlab.example.org/fork/ckanext_harvest", "v1.6.2")),
            "spec.extensions[2].git.url"),
        row("requirements file in a subdirectory", s -> s.extensions.get(1).requirementsFile = "requirements/prod.txt"),
        row("absolute requirements file", s -> s.extensions.get(1).requirementsFile = "/etc/requirements.txt",
            "spec.extensions[1].requirementsFile"),
        row("requirements file through '..'", s -> s.extensions.get(1).requirementsFile = "docs/../../setup.txt",
            "spec.extensions[1].requirementsFile"),
        row("extension plugin with a dash", s -> s.extensions.get(0).plugins = Arrays.asList("dcat", "dcat-ap"),
            "spec.extensions[0].plugins[1]"),
        row("empty extension plugin entry", s -> s.extensions.get(0).plugins = Arrays.asList(null, "dcat"),
            "spec.extensions[0].plugins[0]"),
        row("plugin of an extension that declares none", s -> s.extensions.get(0).plugins = null, "spec.plugins[1]"),
        // plugins
        row("empty plugin entry", s -> s.plugins.add(null), "spec.plugins[3]"),
        row("plugin with a dash", s -> s.plugins.add("text-view"), "spec.plugins[3]"),
        row("a bundled plugin", s -> s.plugins.add("datastore")),
        // config
        row("option without value", s -> s.config.put("ckan.site_title", null), "spec.config[ckan.site_title]"),
        row("option whose name says token", s -> s.config.put("ckanext.s3.aws_session_token", "x"),
            "spec.config[ckanext.s3.aws_session_token]"),
        row("the redis URL", s -> s.config.put("ckan.redis.url", "redis://redis:6379/0"), "spec.config[ckan.redis.url]"),
        row("an ordinary option", s -> s.config.put("ckan.auth.create_user_via_web", "false")),
        // secretConfig
        row("shared keys from a Secret", secretConfig(secret("secret_key", "keys", "secret"),
            secret("api_token.jwt.encode.secret", "keys", "jwt"), secret("api_token.jwt.decode.secret", "keys", "jwt"))),
        row("an empty secretConfig entry", secretConfig((SecretOption) null), "spec.secretConfig[0]"),
        row("secretConfig without option", secretConfig(secret(null, "keys", "k")), "spec.secretConfig[0].option"),
        row("secretConfig option that is no option name", secretConfig(secret("ckan site url", "keys", "k")),
            "spec.secretConfig[0].option"),
        row("secretConfig and no config", s -> {
          s.config = null;
          s.secretConfig = new ArrayList<>(List.of(secret("ckan.site_url", "site", "url")));
        }),
        row("secretConfig option in capitals, which the CRD refuses", secretConfig(secret("SECRET_KEY", "keys", "k")),
            "spec.secretConfig[0].option"),
        row("the same option twice, any case", secretConfig(secret("secret_key", "keys", "a"),
            secret("SECRET_KEY", "keys", "b")), "spec.secretConfig[1].option"),
        row("secretConfig from a badly named Secret", secretConfig(secret("secret_key", "Keys", "k")),
            "spec.secretConfig[0].secretKeyRef.name"),
        row("decode secret without encode secret", secretConfig(secret("api_token.jwt.decode.secret", "keys", "jwt")),
            "spec.secretConfig"),
        // services
        row("managed services", managed(m -> { })),
        row("managed services with an external Solr", managed(m -> m.solrUrl = "https://solr.example.org/solr/ckan")),
        row("external services without Solr", s -> s.services.solrUrl = null, "spec.services.solrUrl"),
        row("external services without Redis", s -> s.services.redisUrl = null, "spec.services.redisUrl"),
        row("database Secret without name", s -> s.services.databaseUrl = new SecretKeyRef(null, "url"),
            "spec.services.databaseUrl.name"),
        row("database Secret without key", s -> s.services.databaseUrl = new SecretKeyRef("db", null),
            "spec.services.databaseUrl.key"),
        row("datastore URLs", s -> {
          s.services.datastoreWriteUrl = ok;
          s.services.datastoreReadUrl = ok;
        }),
        row("datastore write URL from a badly named Secret", s -> s.services.datastoreWriteUrl =
            new SecretKeyRef("Db", "write"), "spec.services.datastoreWriteUrl.name"),
        row("datastore read URL with a bad key", s -> {
          s.services.datastoreWriteUrl = ok;
          s.services.datastoreReadUrl = new SecretKeyRef("db", "read url");
        }, "spec.services.datastoreReadUrl.key"),
        row("datastore read URL alone", s -> s.services.datastoreReadUrl = ok, "spec.services.datastoreWriteUrl"),
        row("Solr user and password", s -> {
          s.services.solrUser = new SecretKeyRef("solr", "user");
          s.services.solrPassword = new SecretKeyRef("solr", "password");
        }),
        row("Solr user alone", s -> s.services.solrUser = new SecretKeyRef("solr", "user"), "spec.services.solrUser"),
        row("Solr password alone", s -> s.services.solrPassword = new SecretKeyRef("solr", "password"),
            "spec.services.solrUser"),
        row("Solr user with a bad key", s -> {
          s.services.solrUser = new SecretKeyRef("solr", "user name");
          s.services.solrPassword = new SecretKeyRef("solr", "password");
        }, "spec.services.solrUser.key"),
        row("Solr password from a badly named Secret", s -> {
          s.services.solrUser = new SecretKeyRef("solr", "user");
          s.services.solrPassword = new SecretKeyRef("-solr", "password");
        }, "spec.services.solrPassword.name"),
        row("Redis URL with a bad key", s -> s.services.redisUrl = new SecretKeyRef("redis", "url?"),
            "spec.services.redisUrl.key"),
        // sizes and limits
        row("no web replicas", s -> s.replicas = 0),
        row("no worker replicas", s -> {
          s.workers = new WorkersSpec();
          s.workers.replicas = 0;
        }),
        row("negative worker replicas", s -> {
          s.workers = new WorkersSpec();
          s.workers.replicas = -1;
        }, "spec.workers.replicas"),
        row("workers with the default replicas", s -> s.workers = new WorkersSpec()),
        row("progress deadline of 1s", rollout(r -> r.progressDeadlineSeconds = 1)),
        row("progress deadline of 0s", rollout(r -> r.progressDeadlineSeconds = 0), "spec.rollout.progressDeadlineSeconds"),
        row("no bake window", rollout(r -> r.bakeSeconds = 0)),
        row("negative bake window", rollout(r -> r.bakeSeconds = -1), "spec.rollout.bakeSeconds"),
        row("history of one revision", rollout(r -> r.revisionHistoryLimit = 1)),
        row("history of no revision", rollout(r -> r.revisionHistoryLimit = 0), "spec.rollout.revisionHistoryLimit"),
        row("build timeout of 60s", build(b -> b.timeoutSeconds = 60)),
        row("build timeout of 59s", build(b -> b.timeoutSeconds = 59), "spec.build.timeoutSeconds"),
        row("build timeout of 6h", build(b -> b.timeoutSeconds = 21600)),
        row("build timeout over 6h", build(b -> b.timeoutSeconds = 21601), "spec.build.timeoutSeconds"),
        row("build push Secret", build(b -> b.pushSecret = "registry-push")),
        row("build section without registry", s -> {
          s.build = new BuildSpec();
          s.build.pushSecret = "registry-push";
        }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void namesExactlyTheFieldsToFix(String what, Consumer<CkanInstanceSpec> change, List<String> fields) {
    CkanInstanceSpec spec = SpecValidatorTest.valid();
    change.accept(spec);
    List<FieldError> errors = SpecValidator.validate(spec);
    assertEquals(fields, errors.stream().map(FieldError::field).toList(), what + ": " + errors);
    if (!fields.isEmpty()) {
      assertEquals(errors, assertInstanceOf(ReleaseOutcome.Invalid.class, ReleaseFactory.from(spec)).errors());
    }
  }

  @Test
  void noSpecAtAll() {
    ReleaseOutcome.Invalid invalid = assertInstanceOf(ReleaseOutcome.Invalid.class, ReleaseFactory.from(null));
    assertEquals(List.of("spec"), invalid.errors().stream().map(FieldError::field).toList());
    assertEquals("spec: is required", invalid.message());
  }
}
