package dev.starling.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Objects;

/** A write concern as setDefaultRWConcern takes it: {@code w}, {@code j}, {@code wtimeout}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"w", "j", "wtimeout"})
@ValidationRule(
    value =
        "!has(self.w)"
            + " || (type(self.w) == int ? self.w >= 0 && self.w <= 50 : self.w.size() > 0)",
    message = "w must be a number of members (0-50), \"majority\" or a writeConcernModes name")
public class WriteConcern {
  @JsonPropertyDescription("A number of members, \"majority\", or a writeConcernModes name")
  private IntOrString w;

  @JsonPropertyDescription("Wait for the journal")
  private Boolean j;

  @Min(0)
  @JsonPropertyDescription("Milliseconds to wait before reporting a write concern error; 0: none")
  private Integer wtimeout;

  public WriteConcern() {}

  public WriteConcern(IntOrString w) {
    this.w = w;
  }

  public static WriteConcern majority() {
    return new WriteConcern(new IntOrString("majority"));
  }

  public IntOrString getW() {
    return w;
  }

  public void setW(IntOrString w) {
    this.w = w;
  }

  public Boolean getJ() {
    return j;
  }

  public void setJ(Boolean j) {
    this.j = j;
  }

  public Integer getWtimeout() {
    return wtimeout;
  }

  public void setWtimeout(Integer wtimeout) {
    this.wtimeout = wtimeout;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WriteConcern c
        && Objects.equals(w, c.w)
        && Objects.equals(j, c.j)
        && Objects.equals(wtimeout, c.wtimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(w, j, wtimeout);
  }
}
