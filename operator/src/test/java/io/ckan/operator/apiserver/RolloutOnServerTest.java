package io.ckan.operator.apiserver;

import io.ckan.sim.apiserver.ControlPlane;
import io.ckan.sim.apiserver.AuditLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.it.OperatorHarness;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operator and the simulated controllers on a real API server tell {@link RolloutStory} (first rollout, upgrade,
 * rollback by annotation, automatic revert) and converge exactly as on the fabric8 mock; the audit log shows that the
 * operator wrote CkanInstances only through the status subresource, and that the conflicts (409) a concurrent writer
 * caused were retried to success.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RolloutOnServerTest extends ApiServerTier {
  private static final String NUDGE = "{\"metadata\":{\"annotations\":{\"test.ckan.io/nudge\":\"%d\"}}}";

  @Test
  void theStoryConvergesAsOnTheMockWithStatusThroughItsSubresourceAndConflictsRetried() {
    List<String> mock;
    try (OperatorHarness h = new OperatorHarness(RolloutStory.scenario())) {
      mock = RolloutStory.tell(h, () -> { });
    }
    List<String> real;
    List<String> readyByGeneration = new CopyOnWriteArrayList<>();
    try (OperatorHarness h = OperatorHarness.onServer(RolloutStory.scenario(), admin,
        server.client(ControlPlane.User.CONTROLLERS), () -> server.config(ControlPlane.User.OPERATOR));
        SharedIndexInformer<CkanInstance> watch = admin.resources(CkanInstance.class).inNamespace(OperatorHarness.NS)
            .inform(readyTransitions(readyByGeneration))) {
      real = RolloutStory.tell(h, () -> nudgeBeforeTheNextStatusWrite(h));
    }
    assertEquals(String.join("\n", mock), String.join("\n", real));
    // once Ready for a generation, it stays Ready until the spec changes (the first rollout's generation 1)
    List<String> first = readyByGeneration.stream().filter(s -> s.startsWith("1:")).toList();
    assertEquals(List.of("1:True"), first.subList(first.indexOf("1:True"), first.size()), readyByGeneration.toString());

    List<AuditLog.Entry> writes = server.audit().entries(e -> e.is(ControlPlane.User.OPERATOR)
        && e.resource().equals("ckaninstances") && e.isWrite());
    assertFalse(writes.isEmpty(), "the operator wrote no status");
    assertEquals(List.of(), writes.stream().filter(e -> !e.subresource().equals("status")).toList(),
        "operator writes to a CkanInstance outside its status subresource");
    List<Integer> codes = writes.stream().map(AuditLog.Entry::code).toList();
    int conflicts = (int) codes.stream().filter(c -> c == 409).count();
    assertTrue(conflicts > 0, "no status write conflicted: " + codes);
    assertTrue(codes.lastIndexOf(409) < codes.size() - 1 && codes.get(codes.size() - 1) == 200,
        "the last status write after a conflict did not succeed: " + codes);
    System.out.println("[apiserver tier] story converged as on the mock; operator status writes: " + writes.size()
        + ", of which 409: " + conflicts);
  }

  /** Records "generation:Ready status" each time it changes. */
  private static ResourceEventHandler<CkanInstance> readyTransitions(List<String> into) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(CkanInstance ci) {
        record(ci);
      }

      @Override
      public void onUpdate(CkanInstance before, CkanInstance ci) {
        record(ci);
      }

      @Override
      public void onDelete(CkanInstance ci, boolean unknown) {
      }

      private void record(CkanInstance ci) {
        String ready = ci.getStatus() == null || ci.getStatus().conditions == null ? "none"
            : ci.getStatus().conditions.stream().filter(c -> c.getType().equals("Ready")).map(c -> c.getStatus())
                .findFirst().orElse("none");
        String entry = ci.getMetadata().getGeneration() + ":" + ready;
        if (into.isEmpty() || !into.get(into.size() - 1).equals(entry)) {
          into.add(entry);
        }
      }
    };
  }

  /**
   * A person annotating the instance just as the operator writes its status: the annotation lands between the
   * operator's read (its cache) and its status PUT, so that PUT carries a stale resourceVersion and must be retried.
   * (The operator writes status rarely, at decisions and at most every 5 s of progress, so a person typing at random
   * seldom meets one; here the meeting is arranged.)
   */
  private void nudgeBeforeTheNextStatusWrite(OperatorHarness h) {
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    h.beforeRequest = request -> {
      if ("PUT".equals(request.method()) && request.uri().getPath().endsWith("/" + RolloutStory.NAME + "/status")
          && done.compareAndSet(false, true)) {
        admin.resources(CkanInstance.class).inNamespace(OperatorHarness.NS).withName(RolloutStory.NAME)
            .patch(PatchContext.of(PatchType.JSON_MERGE), NUDGE.formatted(0));
      }
    };
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline && server.audit().entries().stream().noneMatch(e ->
        e.is(ControlPlane.User.OPERATOR) && e.resource().equals("ckaninstances") && e.code() == 409)) {
      io.ckan.operator.conformance.LoopbackServices.sleep(50);
    }
    h.beforeRequest = null;
  }
}
