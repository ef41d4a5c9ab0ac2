package io.ckan.operator.rbac;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Requests read as the API server's RBAC reads them. */
class ApiPermissionTest {
  static Stream<Arguments> requests() {
    return Stream.of(
        Arguments.of("GET", "/apis/apps/v1/namespaces/ns/deployments/portal-r1", "apps/deployments:get ns"),
        Arguments.of("GET", "/apis/apps/v1/namespaces/ns/deployments?labelSelector=a%3Db", "apps/deployments:list ns"),
        Arguments.of("GET", "/apis/apps/v1/deployments?labelSelector=a%3Db&resourceVersion=5&watch=true",
            "apps/deployments:watch null"),
        Arguments.of("GET", "/apis/ckan.io/v1alpha1/ckaninstances?watch=1", "ckan.io/ckaninstances:watch null"),
        Arguments.of("PUT", "/apis/ckan.io/v1alpha1/namespaces/ns/ckaninstances/portal/status",
            "ckan.io/ckaninstances/status:update ns"),
        Arguments.of("PATCH", "/apis/ckan.io/v1alpha1/namespaces/ns/ckaninstances/portal/status",
            "ckan.io/ckaninstances/status:patch ns"),
        Arguments.of("POST", "/api/v1/namespaces/ns/events", "/events:create ns"),
        Arguments.of("DELETE", "/apis/batch/v1/namespaces/ns/jobs/ckan-build-0123", "batch/jobs:delete ns"),
        Arguments.of("DELETE", "/apis/batch/v1/namespaces/ns/jobs", "batch/jobs:deletecollection ns"),
        Arguments.of("GET", "/api/v1/namespaces/ns", "/namespaces:get null"),
        Arguments.of("GET", "/api/v1/pods", "/pods:list null"),
        Arguments.of("GET", "/version", "none"),
        Arguments.of("GET", "/apis/coordination.k8s.io/v1/namespaces/ns/leases/ckan-operator",
            "coordination.k8s.io/leases:get ns"));
  }

  @ParameterizedTest
  @MethodSource("requests")
  void eachRequestNeedsOnePermission(String method, String path, String expected) {
    Optional<ApiPermission> p = ApiPermission.of(method, path);
    assertEquals(expected, p.map(x -> x.key() + " " + x.namespace()).orElse("none"));
  }
}
