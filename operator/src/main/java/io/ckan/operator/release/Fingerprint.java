package io.ckan.operator.release;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of a canonical JSON rendering (sorted keys), so equal inputs hash equally on every machine. */
public final class Fingerprint {
  private Fingerprint() {}

  private static final ObjectMapper CANONICAL = JsonMapper.builder()
      .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();

  public static String of(Object canonicalInput) {
    try {
      byte[] json = CANONICAL.writeValueAsBytes(canonicalInput);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
    } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot fingerprint release", e);
    }
  }

  public static String short12(String fingerprint) {
    return fingerprint.substring(0, 12);
  }
}
