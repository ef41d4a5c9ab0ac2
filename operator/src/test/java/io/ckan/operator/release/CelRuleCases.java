package io.ckan.operator.release;

import static java.util.Map.entry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Java cannot evaluate the CRD's CEL rules, so each rule (keyed by where it stands and its exact text) has specs that
 * break it, made from parity/every-field.yaml, and the field SpecValidator must name. ValidatorParityTest fails on a
 * rule of the CRD that is missing here, and on an entry here that the CRD no longer has.
 */
final class CelRuleCases {
  private CelRuleCases() {}

  /** A change to the valid document that breaks the rule, and the field the validator must report. */
  record Case(String breaks, Consumer<ObjectNode> change, String field) {}

  static final Map<String, List<Case>> BY_RULE = Map.ofEntries(
      entry(" | size(self.metadata.name) <= 40", List.of(
          new Case("a 41-character name", cr -> name(cr, "a".repeat(41)), "metadata.name"))),
      entry(" | self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')", List.of(
          new Case("a dotted name", cr -> name(cr, "my.portal"), "metadata.name"),
          new Case("a leading digit", cr -> name(cr, "1portal"), "metadata.name"))),
      entry(" | !self.metadata.name.matches('(-r[0-9]+(-worker|-migrate|-reindex)?|-storage|-keys|-services|-db"
          + "|-db-init|-solr|-redis|-cron-[-a-z0-9]+)$')", List.of(
          new Case("another instance's revision", cr -> name(cr, "a-r1"), "metadata.name"),
          new Case("another instance's database", cr -> name(cr, "portal-db"), "metadata.name"),
          new Case("another instance's rebuild Job", cr -> name(cr, "a-r2-reindex"), "metadata.name"),
          new Case("another instance's CronJob", cr -> name(cr, "a-cron-harvest"), "metadata.name"))),
      entry("spec.schedules | self.all(x, self.exists_one(y, y.name == x.name))", List.of(
          new Case("two schedules named harvest", cr -> obj(cr, "/spec/schedules/1").put("name", "harvest"),
              "spec.schedules[1].name"))),
      entry(" | !self.metadata.name.startsWith('ckan-build-')", List.of(
          new Case("a build Job's name", cr -> name(cr, "ckan-build-0123456789ab"), "metadata.name"))),
      entry("spec.backup | has(self.pvc) || has(self.s3)", List.of(
          new Case("no destination", cr -> {
            obj(cr, "/spec/backup").remove("pvc");
            obj(cr, "/spec/backup").remove("s3");
          }, "spec.backup"))),
      entry("spec.config | self.all(k, k.matches('^[a-z0-9_]{1,64}(\\\\.[a-z0-9_]{1,64}){0,8}$'))", List.of(
          new Case("a key with a space", cr -> obj(cr, "/spec/config").put("Site Url", "x"), "spec.config[Site Url]"))),
      entry("spec.config | self.all(k, !self[k].matches('://[^/?#@]*:[^/?#@]*@'))", List.of(
          new Case("a database URL with its password", cr -> obj(cr, "/spec/config").put("ckanext.example.url",
              "postgresql://ckan:secret@db/ckan"), "spec.config[ckanext.example.url]"))),
      entry("spec.extensions | self.all(x, self.exists_one(y, y.name == x.name))", List.of(
          new Case("two extensions named dcat", cr -> obj(cr, "/spec/extensions/1").put("name", "dcat"),
              "spec.extensions[1].name"))),
      entry("spec.extensions[*] | has(self.pip) != has(self.git)", List.of(
          new Case("no source", cr -> obj(cr, "/spec/extensions/0").remove("pip"), "spec.extensions[0]"),
          new Case("two sources", cr -> obj(cr, "/spec/extensions/0").set("git", cr.at("/spec/extensions/1/git")
              .deepCopy()), "spec.extensions[0]"))),
      entry("spec.extensions[*].git | !self.ref.contains('..')", List.of(
          new Case("a ref with ..", cr -> obj(cr, "/spec/extensions/1/git").put("ref", "v1..2"),
              "spec.extensions[1].git.ref"))),
      entry("spec.constraints | self.all(x, self.exists_one(y, y == x))", List.of(
          new Case("a pin twice", cr -> array(cr, "/spec/constraints").add(cr.at("/spec/constraints/0").asText()),
              "spec.constraints[2]"))),
      entry("spec.plugins | self.all(x, self.exists_one(y, y == x))", List.of(
          new Case("dcat twice", cr -> array(cr, "/spec/plugins").add("dcat"), "spec.plugins[5]"))),
      entry("spec.secretConfig | self.all(x, self.exists_one(y, y.option == x.option))", List.of(
          new Case("secret_key twice", cr -> array(cr, "/spec/secretConfig").add(cr.at("/spec/secretConfig/0")
              .deepCopy()), "spec.secretConfig[1].option"))),
      entry("spec.services | (has(self.managed) && self.managed) || (has(self.databaseUrl) && has(self.solrUrl) "
          + "&& has(self.redisUrl))", List.of(
          new Case("no database", cr -> obj(cr, "/spec/services").remove("databaseUrl"), "spec.services.databaseUrl"),
          new Case("no Solr", cr -> obj(cr, "/spec/services").remove("solrUrl"), "spec.services.solrUrl"),
          new Case("no Redis", cr -> obj(cr, "/spec/services").remove("redisUrl"), "spec.services.redisUrl"))),
      entry("spec.rollout.checks[*] | !self.path.matches('" + io.ckan.operator.api.Patterns.CREDENTIAL_QUERY + "')",
          List.of(
          new Case("an API key in the query", cr -> obj(cr, "/spec/rollout/checks/0").put("path",
              "/api/3/action/package_search?rows=0&api_key=abc"), "spec.rollout.checks[0]"),
          new Case("a token, upper case", cr -> obj(cr, "/spec/rollout/checks/0").put("path", "/dataset?Token=abc"),
              "spec.rollout.checks[0]"))),
      entry("spec.rollout.checks[*] | !has(self.jsonValue) || has(self.jsonField)", List.of(
          new Case("a value without a field", cr -> obj(cr, "/spec/rollout/checks/0").remove("jsonField"),
              "spec.rollout.checks[0]"))));

  private static void name(ObjectNode cr, String name) {
    obj(cr, "/metadata").put("name", name);
  }

  private static ObjectNode obj(ObjectNode cr, String pointer) {
    return (ObjectNode) cr.at(pointer);
  }

  private static ArrayNode array(ObjectNode cr, String pointer) {
    return (ArrayNode) cr.at(pointer);
  }
}
