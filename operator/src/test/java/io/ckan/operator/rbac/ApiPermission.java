package io.ckan.operator.rbac;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The RBAC permission a Kubernetes API request needs, read from its method and path as the API server's request-info
 * resolver reads it: group, resource (with subresource), verb (get/list/watch/create/update/patch/delete/
 * deletecollection), and the namespace it is scoped to (null for a cluster-wide request).
 */
public record ApiPermission(String group, String resource, String verb, String namespace) {

  /** "group/resource:verb", the group empty for the core API. */
  public String key() {
    return group + "/" + resource + ":" + verb;
  }

  /** The permission of a resource request; empty for non-resource paths (/version, /healthz, ...). */
  public static Optional<ApiPermission> of(String method, String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
    List<String> parts = Arrays.stream(path.split("/")).filter(p -> !p.isEmpty()).toList();
    String group;
    List<String> rest;
    if (parts.size() >= 3 && parts.get(0).equals("api")) {
      group = "";
      rest = parts.subList(2, parts.size());
    } else if (parts.size() >= 4 && parts.get(0).equals("apis")) {
      group = parts.get(1);
      rest = parts.subList(3, parts.size());
    } else {
      return Optional.empty();
    }
    String namespace = null;
    if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
      namespace = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    String name = rest.size() > 1 ? rest.get(1) : null;
    String resource = rest.get(0) + (rest.size() > 2 ? "/" + rest.get(2) : "");
    boolean watch = Arrays.stream(query.split("&")).anyMatch(p -> p.equals("watch=true") || p.equals("watch=1"));
    String verb = switch (method) {
      case "GET" -> name != null ? "get" : watch ? "watch" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> name != null ? "delete" : "deletecollection";
      default -> method.toLowerCase(java.util.Locale.ROOT);
    };
    return Optional.of(new ApiPermission(group, resource, verb, namespace));
  }
}
