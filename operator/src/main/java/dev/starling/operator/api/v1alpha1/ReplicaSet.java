package dev.starling.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A MongoDB-compatible replica set of starling-node members, run by the operator one safe step at a
 * time. The CRD in {@code crds/} is generated from this class and the classes of its fields.
 */
@Group(ReplicaSet.GROUP)
@Version(ReplicaSet.VERSION)
@Plural("replicasets")
@Singular("replicaset")
@ShortNames("srs")
@Categories("starling")
@ValidationRule(
    value = "has(self.spec)",
    message = "spec is required; spec: {} takes every default (3 members)")
@ValidationRule(
    value =
        "self.metadata.name.size() <= 44"
            + " && self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
    message =
        "metadata.name must be at most 44 lower-case letters, digits and '-', starting with a"
            + " letter: it names the StatefulSets, Services and member host names")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(
    name = "Members",
    jsonPath = ".spec.members",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.readyReplicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Primary", jsonPath = ".status.primary")
@AdditionalPrinterColumn(name = "Waiting For", jsonPath = ".status.waitingFor", priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ReplicaSet extends CustomResource<ReplicaSetSpec, ReplicaSetStatus>
    implements Namespaced {
  public static final String GROUP = "starling.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  public static final String KIND = "ReplicaSet";

  @Override
  protected ReplicaSetSpec initSpec() {
    return new ReplicaSetSpec();
  }
}
