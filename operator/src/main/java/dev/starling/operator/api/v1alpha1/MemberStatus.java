package dev.starling.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/** One entry of {@code status.members}: what the operator last observed of a member. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "name",
  "host",
  "state",
  "health",
  "votes",
  "priority",
  "hidden",
  "secondaryDelaySecs",
  "lagSeconds",
  "oplogSizeMB"
})
public class MemberStatus {
  private String name;
  private String host;
  private String state;
  private Integer health;
  private Integer votes;
  private Double priority;
  private Boolean hidden;
  private Long secondaryDelaySecs;
  private Long lagSeconds;
  private Long oplogSizeMB;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  /** PRIMARY, SECONDARY, ARBITER, STARTUP2, RECOVERING, ROLLBACK, DOWN, ... */
  public String getState() {
    return state;
  }

  public void setState(String state) {
    this.state = state;
  }

  /** 1 up, 0 down, as the primary's replSetGetStatus reports it. */
  public Integer getHealth() {
    return health;
  }

  public void setHealth(Integer health) {
    this.health = health;
  }

  public Integer getVotes() {
    return votes;
  }

  public void setVotes(Integer votes) {
    this.votes = votes;
  }

  public Double getPriority() {
    return priority;
  }

  public void setPriority(Double priority) {
    this.priority = priority;
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

  public Long getLagSeconds() {
    return lagSeconds;
  }

  public void setLagSeconds(Long lagSeconds) {
    this.lagSeconds = lagSeconds;
  }

  public Long getOplogSizeMB() {
    return oplogSizeMB;
  }

  public void setOplogSizeMB(Long oplogSizeMB) {
    this.oplogSizeMB = oplogSizeMB;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MemberStatus m
        && Objects.equals(name, m.name)
        && Objects.equals(host, m.host)
        && Objects.equals(state, m.state)
        && Objects.equals(health, m.health)
        && Objects.equals(votes, m.votes)
        && Objects.equals(priority, m.priority)
        && Objects.equals(hidden, m.hidden)
        && Objects.equals(secondaryDelaySecs, m.secondaryDelaySecs)
        && Objects.equals(lagSeconds, m.lagSeconds)
        && Objects.equals(oplogSizeMB, m.oplogSizeMB);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, host, state, health, votes, priority, hidden, lagSeconds);
  }
}
