package io.ckan.operator.resources;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;

/**
 * Security contexts that satisfy the Pod Security Standard "restricted": non-root with a numeric user, RuntimeDefault
 * seccomp, no privilege escalation, all capabilities dropped.
 */
final class RestrictedSecurity {
  private RestrictedSecurity() {}

  /** The ckan-base images' {@code ckan} user (503) and {@code ckan-sys} group (502), as the web pods run. */
  static PodSecurityContext ckanPod() {
    return pod(RevisionObjects.CKAN_UID, RevisionObjects.CKAN_GID);
  }

  static PodSecurityContext pod(long uid, long gid) {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(uid)
        .withRunAsGroup(gid)
        .withFsGroup(gid)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }

  static SecurityContext container() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withPrivileged(false)
        .withRunAsNonRoot(true)
        .withNewCapabilities().addToDrop("ALL").endCapabilities()
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }
}
