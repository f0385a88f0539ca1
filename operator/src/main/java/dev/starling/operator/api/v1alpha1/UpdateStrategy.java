package dev.starling.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

/** How the operator restarts members whose pods must change (the roller). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "pacingSeconds"})
public class UpdateStrategy {
  /** The roller's modes. */
  public enum Type {
    /** Restart members one at a time, secondaries first, the primary last after a step-down. */
    Automatic,
    /** As Automatic, but the primary is restarted only after a new starling.dev/approve value. */
    Supervised
  }

  @Default("Automatic")
  @JsonPropertyDescription(
      "Automatic, or Supervised: the primary restarts only after a new starling.dev/approve value")
  private Type type = Type.Automatic;

  @Min(0)
  @Default("0")
  @JsonPropertyDescription("Seconds to wait between two member restarts")
  private Integer pacingSeconds = 0;

  public Type getType() {
    return type;
  }

  public void setType(Type type) {
    this.type = type;
  }

  public Integer getPacingSeconds() {
    return pacingSeconds;
  }

  public void setPacingSeconds(Integer pacingSeconds) {
    this.pacingSeconds = pacingSeconds;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UpdateStrategy u
        && type == u.type
        && Objects.equals(pacingSeconds, u.pacingSeconds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, pacingSeconds);
  }
}
