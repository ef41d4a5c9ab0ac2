package io.ckan.operator.release;

import io.ckan.operator.api.Patterns;
import java.util.regex.Pattern;

/** {@link Patterns}, compiled once, for everything that checks a token before using it. */
final class Tokens {
  private Tokens() {}

  static final Pattern VERSION = Pattern.compile(Patterns.VERSION);
  static final Pattern EXTENSION_NAME = Pattern.compile(Patterns.EXTENSION_NAME);
  static final Pattern PIP_PIN = Pattern.compile(Patterns.PIP_PIN);
  static final Pattern GIT_URL = Pattern.compile(Patterns.GIT_URL);
  static final Pattern GIT_REF = Pattern.compile(Patterns.GIT_REF);
  static final Pattern COMMIT = Pattern.compile(Patterns.COMMIT);
  static final Pattern RELATIVE_PATH = Pattern.compile(Patterns.RELATIVE_PATH);
  static final Pattern PLUGIN = Pattern.compile(Patterns.PLUGIN);
  static final Pattern CONFIG_KEY = Pattern.compile(Patterns.CONFIG_KEY);
  static final Pattern IMAGE = Pattern.compile(Patterns.IMAGE);
  static final Pattern IMAGE_BY_DIGEST = Pattern.compile(Patterns.IMAGE_BY_DIGEST);
  static final Pattern REPOSITORY = Pattern.compile(Patterns.REPOSITORY);
  static final Pattern OBJECT_NAME = Pattern.compile(Patterns.OBJECT_NAME);
  static final Pattern SECRET_KEY = Pattern.compile(Patterns.SECRET_KEY);
  static final Pattern SERVICE_URL = Pattern.compile(Patterns.SERVICE_URL);
  static final Pattern QUEUE = Pattern.compile(Patterns.QUEUE);
  static final Pattern HOST = Pattern.compile(Patterns.HOST);
  static final Pattern PREVIEW_HOST = Pattern.compile(Patterns.PREVIEW_HOST);
  static final Pattern QUANTITY = Pattern.compile(Patterns.QUANTITY);
  static final Pattern BUCKET = Pattern.compile(Patterns.BUCKET);
}
