package dev.starling.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the operator observed and did, for people and for GitOps tools (kstatus: {@code
 * observedGeneration} and the conditions Ready, Reconciling and Stalled).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "observedGeneration",
  "phase",
  "conditions",
  "replicas",
  "readyReplicas",
  "selector",
  "primary",
  "members",
  "configVersion",
  "term",
  "connectionString",
  "srvConnectionString",
  "lastAction",
  "waitingFor",
  "stepDownHandled",
  "approveHandled"
})
public class ReplicaSetStatus {
  private Long observedGeneration;
  private Phase phase;
  private List<Condition> conditions = new ArrayList<>();

  @StatusReplicas private Integer replicas;

  private Integer readyReplicas;

  @LabelSelector private String selector;

  private String primary;
  private List<MemberStatus> members = new ArrayList<>();
  private Long configVersion;
  private Long term;
  private String connectionString;
  private String srvConnectionString;
  private LastAction lastAction;
  private String waitingFor;
  private String stepDownHandled;
  private String approveHandled;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Phase getPhase() {
    return phase;
  }

  public void setPhase(Phase phase) {
    this.phase = phase;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  /** The label selector of the data members' pods, as a string (the scale subresource's). */
  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  /** The primary's pod name. */
  public String getPrimary() {
    return primary;
  }

  public void setPrimary(String primary) {
    this.primary = primary;
  }

  public List<MemberStatus> getMembers() {
    return members;
  }

  public void setMembers(List<MemberStatus> members) {
    this.members = members;
  }

  public Long getConfigVersion() {
    return configVersion;
  }

  public void setConfigVersion(Long configVersion) {
    this.configVersion = configVersion;
  }

  public Long getTerm() {
    return term;
  }

  public void setTerm(Long term) {
    this.term = term;
  }

  public String getConnectionString() {
    return connectionString;
  }

  public void setConnectionString(String connectionString) {
    this.connectionString = connectionString;
  }

  public String getSrvConnectionString() {
    return srvConnectionString;
  }

  public void setSrvConnectionString(String srvConnectionString) {
    this.srvConnectionString = srvConnectionString;
  }

  public LastAction getLastAction() {
    return lastAction;
  }

  public void setLastAction(LastAction lastAction) {
    this.lastAction = lastAction;
  }

  /** What the operator waits for, in words: "orders-3 to catch up (lag 12 s)". */
  public String getWaitingFor() {
    return waitingFor;
  }

  public void setWaitingFor(String waitingFor) {
    this.waitingFor = waitingFor;
  }

  /** The value of the step-down annotation last acted on. */
  public String getStepDownHandled() {
    return stepDownHandled;
  }

  public void setStepDownHandled(String stepDownHandled) {
    this.stepDownHandled = stepDownHandled;
  }

  /** The value of the approve annotation last acted on (a Supervised roll's primary restart). */
  public String getApproveHandled() {
    return approveHandled;
  }

  public void setApproveHandled(String approveHandled) {
    this.approveHandled = approveHandled;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplicaSetStatus s
        && Objects.equals(observedGeneration, s.observedGeneration)
        && phase == s.phase
        && Objects.equals(conditions, s.conditions)
        && Objects.equals(replicas, s.replicas)
        && Objects.equals(readyReplicas, s.readyReplicas)
        && Objects.equals(selector, s.selector)
        && Objects.equals(primary, s.primary)
        && Objects.equals(members, s.members)
        && Objects.equals(configVersion, s.configVersion)
        && Objects.equals(term, s.term)
        && Objects.equals(connectionString, s.connectionString)
        && Objects.equals(srvConnectionString, s.srvConnectionString)
        && Objects.equals(lastAction, s.lastAction)
        && Objects.equals(waitingFor, s.waitingFor)
        && Objects.equals(stepDownHandled, s.stepDownHandled)
        && Objects.equals(approveHandled, s.approveHandled);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, phase, replicas, readyReplicas, primary, waitingFor);
  }
}
