package io.ckan.sim.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The control plane's audit log (JSON lines, level Metadata): what each user asked and what the server answered. */
public final class AuditLog {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  AuditLog(Path file) {
    this.file = file;
  }

  /** One answered request. {@code subresource} is "" for the main resource; {@code resource} "" for non-resource URLs. */
  public record Entry(String user, String verb, String resource, String subresource, String namespace, String name,
      int code, String uri) {
    public boolean is(ControlPlane.User who) {
      return who.username.equals(user);
    }

    /** A request that changes state: create, update, patch, delete, deletecollection. */
    public boolean isWrite() {
      return List.of("create", "update", "patch", "delete", "deletecollection").contains(verb);
    }

    @Override
    public String toString() {
      return user + " " + verb + " " + resource + (subresource.isEmpty() ? "" : "/" + subresource) + " "
          + namespace + "/" + name + " -> " + code;
    }
  }

  /** Every entry so far, in the order the server wrote them. */
  public List<Entry> entries() {
    List<Entry> entries = new ArrayList<>();
    try {
      if (!Files.exists(file)) {
        return entries;
      }
      for (String line : Files.readAllLines(file)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode e = JSON.readTree(line);
        JsonNode ref = e.path("objectRef");
        entries.add(new Entry(e.path("user").path("username").asText(), e.path("verb").asText(),
            ref.path("resource").asText(), ref.path("subresource").asText(), ref.path("namespace").asText(),
            ref.path("name").asText(), e.path("responseStatus").path("code").asInt(), e.path("requestURI").asText()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return entries;
  }

  public List<Entry> entries(Predicate<Entry> filter) {
    return entries().stream().filter(filter).toList();
  }
}
