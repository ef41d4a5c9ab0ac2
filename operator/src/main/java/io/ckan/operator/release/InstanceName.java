package io.ckan.operator.release;

import io.ckan.operator.contract.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CkanInstance's own name: the operator names Services and every other object it owns after it ({@link Names}),
 * so it must be a short DNS-1035 label that is not itself one of another instance's object names.
 */
final class InstanceName {
  private InstanceName() {}

  static final String FIELD = "metadata.name";
  private static final Pattern DNS_LABEL = Pattern.compile(Names.DNS_LABEL);

  static List<FieldError> check(String name) {
    List<FieldError> errors = new ArrayList<>();
    if (name == null || name.isEmpty()) {
      errors.add(new FieldError(FIELD, "is required"));
      return errors;
    }
    if (name.length() > Names.MAX_INSTANCE) {
      errors.add(new FieldError(FIELD, "'" + name + "' is longer than " + Names.MAX_INSTANCE + " characters: object "
          + "names such as <name>-r<N>-migrate must fit Kubernetes' 63"));
    }
    if (!DNS_LABEL.matcher(name).matches()) {
      errors.add(new FieldError(FIELD, "'" + name + "' is not a DNS-1035 label: the operator names the instance's "
          + "Service after it, so use lowercase letters, digits and '-', starting with a letter and ending with a "
          + "letter or digit" + suggestion(name)));
    }
    for (Names.Reserved reserved : Names.RESERVED) {
      Matcher m = Pattern.compile("(" + reserved.ending() + ")$").matcher(name);
      if (m.find()) {
        String owner = name.substring(0, m.start());
        errors.add(new FieldError(FIELD, "names ending in " + reserved.shown() + " are reserved: instance '" + owner
            + "' names its " + reserved.object() + " '" + name + "'; choose a name that does not end in "
            + reserved.shown()));
        break;
      }
    }
    if (name.startsWith(Names.BUILD_PREFIX)) {
      errors.add(new FieldError(FIELD, "names starting with " + Names.BUILD_PREFIX + " are reserved for the image "
          + "build Jobs and Dockerfile ConfigMaps the instances of a namespace share (" + Names.BUILD_PREFIX
          + "<image fingerprint>)"));
    }
    return errors;
  }

  /** ", e.g. 'my-portal'" for 'My.Portal', or nothing when no label can be made of the name. */
  private static String suggestion(String name) {
    String label = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceFirst("^[^a-z]+", "");
    if (label.length() > Names.MAX_INSTANCE) {
      label = label.substring(0, Names.MAX_INSTANCE);
    }
    label = label.replaceFirst("-+$", "");
    return DNS_LABEL.matcher(label).matches() ? ", e.g. '" + label + "'" : "";
  }
}
