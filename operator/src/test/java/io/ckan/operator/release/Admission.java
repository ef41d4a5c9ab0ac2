package io.ckan.operator.release;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.ckan.operator.api.CkanInstance;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;

/**
 * What the operator (and {@code render}) makes of a CkanInstance document: the model reads it, then SpecValidator
 * checks name and spec. A value the model cannot hold (an enum's unknown constant) is refused while reading; that
 * refusal is reported at the field Jackson names.
 */
final class Admission {
  private Admission() {}

  static List<FieldError> errors(JsonNode cr) {
    CkanInstance instance;
    try {
      instance = Serialization.jsonMapper().treeToValue(cr, CkanInstance.class);
    } catch (JsonMappingException e) {
      return List.of(new FieldError(field(e), "the model cannot hold it: " + e.getOriginalMessage()));
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
    return SpecValidator.validate(instance.getMetadata().getName(), instance.getSpec());
  }

  /** {@code spec.build.builder} for Jackson's CkanInstance["spec"]->CkanInstanceSpec["build"]->BuildSpec["builder"]. */
  private static String field(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() == null) {
        out.append('[').append(ref.getIndex()).append(']');
      } else {
        out.append(out.length() == 0 ? "" : ".").append(ref.getFieldName());
      }
    }
    return out.toString();
  }
}
