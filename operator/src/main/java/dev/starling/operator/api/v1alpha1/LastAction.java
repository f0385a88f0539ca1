package dev.starling.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/** {@code status.lastAction}: the last action the operator took, why, and when. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "member", "reason", "time"})
public class LastAction {
  private String type;
  private String member;
  private String reason;
  private String time;

  public LastAction() {}

  public LastAction(String type, String member, String reason, String time) {
    this.type = type;
    this.member = member;
    this.reason = reason;
    this.time = time;
  }

  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  public String getMember() {
    return member;
  }

  public void setMember(String member) {
    this.member = member;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  /** RFC 3339. */
  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LastAction a
        && Objects.equals(type, a.type)
        && Objects.equals(member, a.member)
        && Objects.equals(reason, a.reason)
        && Objects.equals(time, a.time);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, member, reason, time);
  }
}
