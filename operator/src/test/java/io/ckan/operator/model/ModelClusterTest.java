package io.ckan.operator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.TestServices;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

/** The model's API faults: the armed request, and only it, fails the way it was told to. */
class ModelClusterTest {

  private final ModelCluster mc = ModelCluster.get();

  @Test
  void theArmedRequestAnswersTheArmedCodeOnceAndTheOthersGoThrough() {
    mc.admin.secrets().inNamespace("faults").resource(TestServices.secret("faults")).createOr(s -> s.update());
    for (int code : new int[] {409, 500}) {
      mc.faults.arm(2, code);
      assertNotNull(read(), "the first request goes through");
      KubernetesClientException e = assertThrows(KubernetesClientException.class, this::read);
      assertEquals(code, e.getCode());
      assertTrue(mc.faults.disarm(), "the fault fired");
      assertNotNull(read(), "and only once");
    }
  }

  @Test
  void aTimeoutNeverReachesTheServer() {
    mc.faults.arm(1, ModelCluster.ApiFaults.TIMEOUT);
    KubernetesClientException e = assertThrows(KubernetesClientException.class, this::read);
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    assertTrue(cause instanceof java.io.IOException, "no HTTP answer, a connection failure: " + cause);
    assertTrue(mc.faults.disarm());
  }

  @Test
  void aFaultArmedBeyondTheRequestsMadeNeverFires() {
    mc.faults.arm(5, 500);
    read();
    assertEquals(false, mc.faults.disarm());
  }

  @Test
  void aHandEditThatRemovesAnnotationsSendsTheNull() {
    java.util.Map<String, Object> meta = new java.util.HashMap<>();
    meta.put("annotations", null);
    assertEquals("{\"metadata\":{\"annotations\":null}}", World.json(java.util.Map.of("metadata", meta)));
  }

  private Object read() {
    return mc.operator.secrets().inNamespace("faults").withName(TestServices.SECRET).get();
  }
}
