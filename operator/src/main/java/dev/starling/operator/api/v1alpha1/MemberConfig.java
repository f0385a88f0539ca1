package dev.starling.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** One entry of {@code spec.memberConfig}: the config settings of the member with that ordinal. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"member", "priority", "votes", "hidden", "secondaryDelaySecs", "tags"})
@ValidationRule(
    value =
        "self.priority == 0.0"
            + " || (self.votes == 1 && !self.hidden && self.secondaryDelaySecs == 0)",
    message =
        "a member with priority > 0 must have votes: 1, hidden: false and secondaryDelaySecs: 0;"
            + " give a non-voting, hidden or delayed member priority: 0")
@ValidationRule(
    value = "self.secondaryDelaySecs == 0 || (self.hidden && self.priority == 0.0)",
    message = "a delayed member (secondaryDelaySecs > 0) must be hidden: true with priority: 0")
public class MemberConfig {
  @Required
  @Min(0)
  @Max(49)
  @JsonPropertyDescription("The member's ordinal: 2 is pod <name>-2")
  private Integer member;

  @Min(0)
  @Max(1000)
  @Default("1")
  @JsonPropertyDescription("Election priority, 0-1000; 0: never primary")
  private Double priority = 1.0;

  @Min(0)
  @Max(1)
  @Default("1")
  @JsonPropertyDescription("1: votes in elections and counts for majorities; 0: does not")
  private Integer votes = 1;

  @Default("false")
  @JsonPropertyDescription("Hidden from clients (hello lists it not); needs priority: 0")
  private Boolean hidden = false;

  @Min(0)
  @Default("0")
  @JsonPropertyDescription(
      "Apply the oplog this many seconds late; needs hidden: true, priority: 0")
  private Long secondaryDelaySecs = 0L;

  @Size(max = 16)
  @JsonPropertyDescription("Replica-set tags, used by writeConcernModes and read preferences")
  private Map<String, String> tags;

  public MemberConfig() {}

  public MemberConfig(int member) {
    this.member = member;
  }

  public Integer getMember() {
    return member;
  }

  public void setMember(Integer member) {
    this.member = member;
  }

  public Double getPriority() {
    return priority;
  }

  public void setPriority(Double priority) {
    this.priority = priority;
  }

  public Integer getVotes() {
    return votes;
  }

  public void setVotes(Integer votes) {
    this.votes = votes;
  }

  public Boolean getHidden() {
    return hidden;
  }

  public void setHidden(Boolean hidden) {
    this.hidden = hidden;
  }

  public Long getSecondaryDelaySecs() {
    return secondaryDelaySecs;
  }

  public void setSecondaryDelaySecs(Long secondaryDelaySecs) {
    this.secondaryDelaySecs = secondaryDelaySecs;
  }

  public Map<String, String> getTags() {
    return tags;
  }

  public void setTags(Map<String, String> tags) {
    this.tags = tags == null ? null : new LinkedHashMap<>(tags);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MemberConfig m
        && Objects.equals(member, m.member)
        && Objects.equals(priority, m.priority)
        && Objects.equals(votes, m.votes)
        && Objects.equals(hidden, m.hidden)
        && Objects.equals(secondaryDelaySecs, m.secondaryDelaySecs)
        && Objects.equals(tags, m.tags);
  }

  @Override
  public int hashCode() {
    return Objects.hash(member, priority, votes, hidden, secondaryDelaySecs, tags);
  }
}
