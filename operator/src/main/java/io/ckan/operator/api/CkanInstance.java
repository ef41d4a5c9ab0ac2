package io.ckan.operator.api;

import io.ckan.operator.contract.Names;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A CKAN portal, run as numbered revisions behind one stable Service (the `current` pointer). The rules on the name
 * (CEL on the schema's root, Kubernetes 1.25+) mirror {@code release.InstanceName}: every owned object is named after
 * the instance ({@link Names}).
 */
@ValidationRule(value = "size(self.metadata.name) <= " + Names.MAX_INSTANCE, message = "metadata.name must be at most "
    + Names.MAX_INSTANCE + " characters: object names such as <name>-r<N>-migrate must fit Kubernetes' 63")
@ValidationRule(value = "self.metadata.name.matches('" + Names.DNS_LABEL + "')", message = "metadata.name must be a "
    + "DNS-1035 label (lowercase letters, digits and '-', starting with a letter, ending with a letter or digit): the "
    + "operator names a Service after the instance")
@ValidationRule(value = "!self.metadata.name.matches('" + Names.RESERVED_ENDING + "')", message = "metadata.name must "
    + "not end in " + Names.RESERVED_SHOWN + ": instance x names its own objects x-r1, x-db and so on, so such a name "
    + "would collide with another instance's objects")
@ValidationRule(value = "!self.metadata.name.startsWith('" + Names.BUILD_PREFIX + "')", message = "metadata.name must "
    + "not start with " + Names.BUILD_PREFIX + ": the image build Jobs and ConfigMaps the instances of a namespace "
    + "share are named " + Names.BUILD_PREFIX + "<image fingerprint>")
@Group(CkanInstance.GROUP)
@Version(CkanInstance.VERSION)
@Kind("CkanInstance")
@Plural("ckaninstances")
@Singular("ckaninstance")
@ShortNames("ckan")
@AdditionalPrinterColumn(name = "Version", jsonPath = ".spec.version", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Current", jsonPath = ".status.currentRevision", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Desired", jsonPath = ".status.desiredRevision", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class CkanInstance extends CustomResource<CkanInstanceSpec, CkanInstanceStatus> implements Namespaced {
  public static final String GROUP = "ckan.io";
  public static final String VERSION = "v1alpha1";
  public static final String CRD_NAME = "ckaninstances.ckan.io";
}
