package io.ckan.operator.resources;

import io.ckan.operator.contract.Names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.IngressSpec;
import io.ckan.operator.api.StorageSpec;
import io.ckan.operator.api.WorkersSpec;
import io.ckan.operator.release.Release;
import io.ckan.operator.release.ReleaseFactory;
import io.ckan.operator.release.ReleaseOutcome;
import io.ckan.operator.release.SpecValidatorTestAccess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every object an instance owns is named by {@link Names}, and every such name ends in a reserved ending. */
class NamesTest {
  static final String INSTANCE = "portal";
  static final int REVISION = 7;
  static final Pattern RESERVED_ENDING = Pattern.compile(Names.RESERVED_ENDING);

  /** The entry of {@link Names#RESERVED} whose ending {@code name} ends in after the instance's name, or null. */
  static Names.Reserved reservedEnding(String name) {
    if (!name.startsWith(INSTANCE)) {
      return null;
    }
    String ending = name.substring(INSTANCE.length());
    return Names.RESERVED.stream().filter(r -> ending.matches(r.ending())).findFirst().orElse(null);
  }

  /** Every name {@link Names} derives for portal (revision 7). */
  static List<String> derivedNames() {
    List<String> names = new ArrayList<>();
    Arrays.stream(Names.OfRevision.values()).forEach(o -> names.add(o.of(INSTANCE, REVISION)));
    Arrays.stream(Names.OfInstance.values()).forEach(o -> names.add(o.of(INSTANCE)));
    names.add(Names.schedule(INSTANCE, "harvest"));
    return names;
  }

  @Test
  void everyDerivedNameEndsInAReservedEndingAndEveryEndingIsUsed() {
    Set<Names.Reserved> used = new HashSet<>();
    for (String name : derivedNames()) {
      Names.Reserved reserved = reservedEnding(name);
      assertTrue(reserved != null, name + " ends in no entry of Names.RESERVED");
      assertTrue(RESERVED_ENDING.matcher(name).find(), name + " is not matched by Names.RESERVED_ENDING");
      used.add(reserved);
    }
    assertEquals(Set.copyOf(Names.RESERVED), used, "an entry of Names.RESERVED names nothing");
  }

  @Test
  void theCrdExpressionMatchesExactlyTheListedEndings() {
    for (Names.Reserved r : Names.RESERVED) {
      String example = INSTANCE + r.shown().replace("<N>", "12").replace("<schedule>", "harvest-1");
      assertTrue(RESERVED_ENDING.matcher(example).find(), example);
      assertTrue(Names.RESERVED_SHOWN.contains(r.shown()), "the CRD message omits " + r.shown());
    }
    for (String free : List.of("portal", "portal-r", "portal-rx", "portal-r1x", "portal-db1", "portal-redis2",
        "portal-worker", "portal-migrate", "db", "portal-dbs", "portal-r1-workers", "portal-cron", "portal-crons-x",
        "portal-reindex")) {
      assertFalse(RESERVED_ENDING.matcher(free).find(), free);
      assertEquals(null, reservedEnding(free), free);
    }
  }

  @Test
  void theLongestDerivedNameFitsADnsLabel() {
    String longest = "a".repeat(Names.MAX_INSTANCE);
    assertTrue(Names.OfRevision.MIGRATION.of(longest, 999_999_999).length() <= 63);
    assertTrue(Names.OfInstance.SERVICES.of(longest).length() <= 63);
  }

  /** Catches an object named outside {@link Names}: every rendered name is the instance's or ends reserved. */
  @Test
  void everyObjectAnInstanceOwnsIsNamedFromTheReservedEndings() {
    Owner owner = new Owner(INSTANCE, "data", "uid-1");
    CkanInstanceSpec spec = SpecValidatorTestAccess.valid();
    spec.workers = new WorkersSpec();
    spec.storage = new StorageSpec();
    spec.storage.size = "1Gi";
    Release release = ((ReleaseOutcome.Ready) ReleaseFactory.from(spec, INSTANCE)).release();
    IngressSpec ingress = new IngressSpec();
    ingress.host = "data.example.org";
    Supplier<String> random = () -> "x".repeat(32);
    List<HasMetadata> objects = new ArrayList<>(ManagedServices.objects(owner, "2.11.5"));
    objects.addAll(List.of(RevisionObjects.configMap(owner, REVISION, release),
        RevisionObjects.service(owner, REVISION, release),
        RevisionObjects.deployment(owner, REVISION, release, 1, 600),
        RevisionObjects.migration(owner, REVISION, release),
        RevisionObjects.worker(owner, REVISION, release, 1),
        InstanceObjects.storage(owner, spec.storage),
        InstanceObjects.ingress(owner, ingress),
        PointerService.build(owner, REVISION, java.util.Map.of()),
        GeneratedSecrets.secret(INSTANCE, "data", GeneratedSecrets.keysName(INSTANCE), random),
        GeneratedSecrets.secret(INSTANCE, "data", ManagedServices.secretName(INSTANCE), random)));
    io.ckan.operator.api.ScheduleSpec schedule = new io.ckan.operator.api.ScheduleSpec();
    schedule.name = "orphans";
    schedule.schedule = "0 3 * * *";
    schedule.command = "search-index clear-orphans";
    objects.addAll(DesiredState.schedules(owner, List.of(schedule), REVISION,
        RevisionObjects.deployment(owner, REVISION, release, 1, 600)));
    objects.add(DesiredState.searchIndexRebuild(owner, REVISION,
        RevisionObjects.deployment(owner, REVISION, release, 1, 600)));
    for (HasMetadata object : objects) {
      String name = object.getMetadata().getName();
      assertTrue(name.equals(Names.pointer(INSTANCE)) || reservedEnding(name) != null,
          object.getKind() + " " + name + " is named outside Names.RESERVED");
    }
  }
}
