package io.ckan.operator.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A place in a CkanInstance's JSON tree, found from a schema path ({@link SchemaConstraints}), named the way
 * SpecValidator names fields: {@code spec.extensions[1].git.url}, {@code spec.config[ckan.site_url]}.
 */
record SpecTree(List<Object> steps) {
  /** A map key (rendered {@code [key]}), as opposed to an object field (rendered {@code .field}). */
  record Key(String name) {}

  /** The first place in {@code cr} where every element of {@code schemaPath} exists. */
  static Optional<SpecTree> find(JsonNode cr, List<String> schemaPath) {
    return find(cr, schemaPath, List.of()).map(SpecTree::new);
  }

  private static Optional<List<Object>> find(JsonNode node, List<String> rest, List<Object> steps) {
    if (rest.isEmpty()) {
      return Optional.of(steps);
    }
    String next = rest.get(0);
    List<String> after = rest.subList(1, rest.size());
    if (next.equals(SchemaConstraints.ITEM)) {
      for (int i = 0; i < node.size() && node.isArray(); i++) {
        Optional<List<Object>> found = find(node.get(i), after, with(steps, i));
        if (found.isPresent()) {
          return found;
        }
      }
      return Optional.empty();
    }
    if (next.equals(SchemaConstraints.VALUE)) {
      for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
        String key = keys.next();
        Optional<List<Object>> found = find(node.get(key), after, with(steps, new Key(key)));
        if (found.isPresent()) {
          return found;
        }
      }
      return Optional.empty();
    }
    return node.has(next) ? find(node.get(next), after, with(steps, next)) : Optional.empty();
  }

  private static List<Object> with(List<Object> steps, Object step) {
    List<Object> longer = new ArrayList<>(steps);
    longer.add(step);
    return List.copyOf(longer);
  }

  /** The field path SpecValidator reports for this place. */
  String field() {
    StringBuilder out = new StringBuilder();
    for (Object step : steps) {
      if (step instanceof Integer i) {
        out.append('[').append(i).append(']');
      } else if (step instanceof Key k) {
        out.append('[').append(k.name()).append(']');
      } else {
        out.append(out.length() == 0 ? "" : ".").append(step);
      }
    }
    return out.toString();
  }

  JsonNode get(JsonNode cr) {
    JsonNode node = cr;
    for (Object step : steps) {
      node = step instanceof Integer i ? node.get(i) : node.get(name(step));
    }
    return node;
  }

  /** Replaces the value at this place in {@code cr}. */
  void set(JsonNode cr, JsonNode value) {
    JsonNode parent = parent().get(cr);
    Object last = steps.get(steps.size() - 1);
    if (last instanceof Integer i) {
      ((ArrayNode) parent).set(i, value);
    } else {
      ((ObjectNode) parent).set(name(last), value);
    }
  }

  /** Removes the property at this place from its object. */
  void remove(JsonNode cr) {
    ((ObjectNode) parent().get(cr)).remove(name(steps.get(steps.size() - 1)));
  }

  private SpecTree parent() {
    return new SpecTree(steps.subList(0, steps.size() - 1));
  }

  private static String name(Object step) {
    return step instanceof Key k ? k.name() : (String) step;
  }
}
