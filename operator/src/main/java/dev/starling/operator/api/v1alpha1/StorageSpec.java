package dev.starling.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Objects;

/**
 * Each data member's volume claim. Size and storage class are immutable once set: a StatefulSet's
 * volume claim templates cannot change.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"size", "storageClassName", "retainOnScaleDown"})
@ValidationRule(
    value =
        "!has(oldSelf.storageClassName) || (has(self.storageClassName)"
            + " && self.storageClassName == oldSelf.storageClassName)",
    message =
        "storage.storageClassName cannot change once set (the members' volume claims keep their"
            + " class): create a new ReplicaSet to move the data")
@ValidationRule(
    value = "self.size == oldSelf.size",
    message =
        "storage.size cannot change once set (the members' volume claims keep their size):"
            + " create a new ReplicaSet to move the data")
public class StorageSpec {
  public static final String DEFAULT_SIZE = "10Gi";

  @Default(DEFAULT_SIZE)
  @JsonPropertyDescription("Volume size of each data member (immutable)")
  private Quantity size = new Quantity(DEFAULT_SIZE);

  @Size(max = 253)
  @JsonPropertyDescription(
      "Storage class of the volumes; the cluster default when unset (immutable)")
  private String storageClassName;

  @Default("true")
  @JsonPropertyDescription(
      "Keep a removed member's volume claim when the set scales down (false: delete it)")
  private Boolean retainOnScaleDown = true;

  public Quantity getSize() {
    return size;
  }

  public void setSize(Quantity size) {
    this.size = size;
  }

  public String getStorageClassName() {
    return storageClassName;
  }

  public void setStorageClassName(String storageClassName) {
    this.storageClassName = storageClassName;
  }

  public Boolean getRetainOnScaleDown() {
    return retainOnScaleDown;
  }

  public void setRetainOnScaleDown(Boolean retainOnScaleDown) {
    this.retainOnScaleDown = retainOnScaleDown;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StorageSpec s
        && Objects.equals(size, s.size)
        && Objects.equals(storageClassName, s.storageClassName)
        && Objects.equals(retainOnScaleDown, s.retainOnScaleDown);
  }

  @Override
  public int hashCode() {
    return Objects.hash(size, storageClassName, retainOnScaleDown);
  }
}
