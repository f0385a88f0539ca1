package dev.starling.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

/** The replica-set config's {@code settings}, with MongoDB's defaults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "electionTimeoutMillis",
  "heartbeatIntervalMillis",
  "chainingAllowed",
  "catchUpTimeoutMillis"
})
public class ReplicaSetSettings {
  public static final int DEFAULT_ELECTION_TIMEOUT_MILLIS = 10_000;
  public static final int DEFAULT_HEARTBEAT_INTERVAL_MILLIS = 2_000;
  public static final int DEFAULT_CATCH_UP_TIMEOUT_MILLIS = -1;

  @Min(1)
  @Max(86_400_000)
  @Default("10000")
  @JsonPropertyDescription("Time without a primary before a member calls an election")
  private Integer electionTimeoutMillis = DEFAULT_ELECTION_TIMEOUT_MILLIS;

  @Min(1)
  @Max(3_600_000)
  @Default("2000")
  @JsonPropertyDescription("Time between heartbeats")
  private Integer heartbeatIntervalMillis = DEFAULT_HEARTBEAT_INTERVAL_MILLIS;

  @Default("true")
  @JsonPropertyDescription("Whether secondaries may sync from other secondaries")
  private Boolean chainingAllowed = true;

  @Min(-1)
  @Max(86_400_000)
  @Default("-1")
  @JsonPropertyDescription(
      "How long a new primary catches up before accepting writes (-1: no limit)")
  private Integer catchUpTimeoutMillis = DEFAULT_CATCH_UP_TIMEOUT_MILLIS;

  public Integer getElectionTimeoutMillis() {
    return electionTimeoutMillis;
  }

  public void setElectionTimeoutMillis(Integer electionTimeoutMillis) {
    this.electionTimeoutMillis = electionTimeoutMillis;
  }

  public Integer getHeartbeatIntervalMillis() {
    return heartbeatIntervalMillis;
  }

  public void setHeartbeatIntervalMillis(Integer heartbeatIntervalMillis) {
    this.heartbeatIntervalMillis = heartbeatIntervalMillis;
  }

  public Boolean getChainingAllowed() {
    return chainingAllowed;
  }

  public void setChainingAllowed(Boolean chainingAllowed) {
    this.chainingAllowed = chainingAllowed;
  }

  public Integer getCatchUpTimeoutMillis() {
    return catchUpTimeoutMillis;
  }

  public void setCatchUpTimeoutMillis(Integer catchUpTimeoutMillis) {
    this.catchUpTimeoutMillis = catchUpTimeoutMillis;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplicaSetSettings s
        && Objects.equals(electionTimeoutMillis, s.electionTimeoutMillis)
        && Objects.equals(heartbeatIntervalMillis, s.heartbeatIntervalMillis)
        && Objects.equals(chainingAllowed, s.chainingAllowed)
        && Objects.equals(catchUpTimeoutMillis, s.catchUpTimeoutMillis);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        electionTimeoutMillis, heartbeatIntervalMillis, chainingAllowed, catchUpTimeoutMillis);
  }
}
