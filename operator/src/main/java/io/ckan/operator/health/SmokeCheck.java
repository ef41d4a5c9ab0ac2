package io.ckan.operator.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * A user-defined check of {@code rollout.checks[]}: an anonymous GET of {@code path} on the revision's own Service
 * must answer {@code expectedStatus} and, when {@code jsonField} is set, a JSON body whose field at that dotted path
 * (numbers index arrays, e.g. {@code result.results.0.name}) reads {@code jsonValue} (or exists, when no value is
 * given). The path was validated (starts with one slash, no host, no credentials); the request carries none.
 */
public record SmokeCheck(String path, int expectedStatus, String jsonField, String jsonValue) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How messages and status name it, e.g. {@code GET /dataset}. */
  public String name() {
    return "GET " + path;
  }

  /** Why the answer fails the check (never the body itself: it may say anything), or null when it passes. */
  public String failure(int status, String body) {
    if (status != expectedStatus) {
      return "answered HTTP " + status + ", expected " + expectedStatus;
    }
    if (jsonField == null) {
      return null;
    }
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (IOException e) {
      node = null;
    }
    if (node == null) {
      return "answered no JSON, expected " + jsonField + (jsonValue == null ? "" : " = " + jsonValue);
    }
    for (String step : jsonField.split("\\.")) {
      node = node.isArray() && step.chars().allMatch(Character::isDigit) ? node.path(Integer.parseInt(step))
          : node.path(step);
    }
    if (node.isMissingNode()) {
      return "answered JSON without " + jsonField;
    }
    String actual = node.isValueNode() ? node.asText() : node.toString();
    if (jsonValue != null && !jsonValue.equals(actual)) {
      return "answered " + jsonField + " = " + abbreviated(actual) + ", expected " + jsonValue;
    }
    return null;
  }

  private static String abbreviated(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "...";
  }
}
