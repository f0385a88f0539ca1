package dev.starling.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the user asks for. Rules that need several fields are CEL rules on this class; what CEL
 * cannot judge, the planner refuses with {@code InvalidSpec}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "members",
  "arbiters",
  "image",
  "storage",
  "resources",
  "oplogSizeMB",
  "settings",
  "memberConfig",
  "writeConcernModes",
  "defaultWriteConcern",
  "nodeParameters",
  "preferredPrimary",
  "paused",
  "updateStrategy"
})
@ValidationRule(
    value = "self.members + self.arbiters <= 50",
    message = "members plus arbiters must be at most 50")
@ValidationRule(
    value = ReplicaSetSpec.VOTERS,
    message =
        "at most 7 members may vote, arbiters included: give the extra members votes: 0 and"
            + " priority: 0 in memberConfig")
@ValidationRule(
    value = "!has(self.memberConfig) || self.memberConfig.all(m, m.member < self.members)",
    message =
        "memberConfig[].member must be an ordinal below spec.members: remove the entries of"
            + " members that no longer exist")
@ValidationRule(
    value = ReplicaSetSpec.ONE_ELECTABLE,
    message = "at least one member must be able to become primary: give one member priority > 0")
@ValidationRule(
    value = "!has(self.preferredPrimary) || self.preferredPrimary < self.members",
    message = "preferredPrimary must be an ordinal below spec.members")
@ValidationRule(
    value = ReplicaSetSpec.PREFERRED_ELECTABLE,
    message =
        "preferredPrimary must be a member that can become primary: its memberConfig entry needs"
            + " priority > 0, votes: 1, hidden: false and secondaryDelaySecs: 0")
@ValidationRule(
    value = ReplicaSetSpec.PREFERRED_HIGHEST,
    message =
        "preferredPrimary must have the highest priority of all members (a member with a higher"
            + " priority would take the primary back): raise its priority or lower the others'")
public class ReplicaSetSpec {
  /** Voters: every member unless memberConfig gives it votes 0, plus the arbiters. */
  static final String VOTERS =
      "self.members"
          + " - (has(self.memberConfig) ? self.memberConfig.filter(m, m.votes == 0).size() : 0)"
          + " + self.arbiters <= 7";

  static final String ONE_ELECTABLE =
      "self.members > (has(self.memberConfig) ? self.memberConfig.filter(m, m.priority =="
          + " 0.0).size() : 0)";

  static final String PREFERRED_ELECTABLE =
      "!has(self.preferredPrimary) || !has(self.memberConfig) || self.memberConfig.all(m,"
          + " m.member != self.preferredPrimary || (m.priority > 0.0 && m.votes == 1"
          + " && !m.hidden && m.secondaryDelaySecs == 0))";

  /**
   * The preferred member's priority (1 when it has no memberConfig entry) is at least every listed
   * priority, and at least 1 unless every member is listed (an unlisted member has priority 1).
   */
  static final String PREFERRED_HIGHEST =
      "!has(self.preferredPrimary) || !has(self.memberConfig)"
          + " || ((self.memberConfig.exists(p, p.member == self.preferredPrimary)"
          + " ? self.memberConfig.filter(p, p.member == self.preferredPrimary)[0].priority : 1.0)"
          + " >= 1.0 || self.memberConfig.size() >= self.members)"
          + " && self.memberConfig.all(m, m.priority <= (self.memberConfig.exists(p, p.member =="
          + " self.preferredPrimary) ? self.memberConfig.filter(p, p.member =="
          + " self.preferredPrimary)[0].priority : 1.0))";

  public static final String DEFAULT_IMAGE = "starling/node:0.1.0";

  @SpecReplicas
  @Min(1)
  @Max(50)
  @Default("3")
  @JsonPropertyDescription(
      "Data-bearing members, 1-50 (pods <name>-0 ... <name>-N-1); the scale subresource's"
          + " replicas")
  private Integer members = 3;

  @Min(0)
  @Max(1)
  @Default("0")
  @JsonPropertyDescription("Arbiter pods, 0 or 1, in their own StatefulSet <name>-arbiter")
  private Integer arbiters = 0;

  @Default(DEFAULT_IMAGE)
  @Size(min = 1, max = 512)
  @JsonPropertyDescription("The starling-node container image")
  private String image = DEFAULT_IMAGE;

  @Default("{}")
  @JsonPropertyDescription("Each data member's volume claim")
  private StorageSpec storage = new StorageSpec();

  @JsonPropertyDescription("CPU and memory of each data member's container")
  private ResourceRequirements resources;

  @Min(990)
  @Max(1048576)
  @JsonPropertyDescription(
      "Oplog size in MB (990 MB to 1 TB); a change is applied live, member by member, with"
          + " replSetResizeOplog")
  private Integer oplogSizeMB;

  @Default("{}")
  @JsonPropertyDescription("Replica-set settings (the config's settings document)")
  private ReplicaSetSettings settings = new ReplicaSetSettings();

  @Size(max = 50)
  @ValidationRule(
      value = "self.all(a, self.exists_one(b, b.member == a.member))",
      message = "memberConfig lists each member at most once")
  @JsonPropertyDescription(
      "Per-member settings by ordinal; a member not listed has priority 1 and votes 1")
  private List<MemberConfig> memberConfig;

  @Size(max = 16)
  @JsonPropertyDescription(
      "Custom write concern modes (settings.getLastErrorModes): mode name -> {tag: number of"
          + " distinct values}")
  private Map<String, Map<String, Integer>> writeConcernModes;

  @JsonPropertyDescription("The cluster-wide default write concern (setDefaultRWConcern)")
  private WriteConcern defaultWriteConcern;

  @Size(max = 32)
  @JsonPropertyDescription("Server parameters, passed to each node as --setParameter NAME=VALUE")
  private Map<String, String> nodeParameters;

  @Min(0)
  @JsonPropertyDescription(
      "The ordinal of the member that should be primary; the operator moves the primary there"
          + " without a forced step-down and leaves no priority changed")
  private Integer preferredPrimary;

  @Default("false")
  @JsonPropertyDescription("true: observe and report, never act")
  private Boolean paused = false;

  @Default("{}")
  @JsonPropertyDescription("How the operator restarts members when their pods must change")
  private UpdateStrategy updateStrategy = new UpdateStrategy();

  public Integer getMembers() {
    return members;
  }

  public void setMembers(Integer members) {
    this.members = members;
  }

  public Integer getArbiters() {
    return arbiters;
  }

  public void setArbiters(Integer arbiters) {
    this.arbiters = arbiters;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public StorageSpec getStorage() {
    return storage;
  }

  public void setStorage(StorageSpec storage) {
    this.storage = storage;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public Integer getOplogSizeMB() {
    return oplogSizeMB;
  }

  public void setOplogSizeMB(Integer oplogSizeMB) {
    this.oplogSizeMB = oplogSizeMB;
  }

  public ReplicaSetSettings getSettings() {
    return settings;
  }

  public void setSettings(ReplicaSetSettings settings) {
    this.settings = settings;
  }

  public List<MemberConfig> getMemberConfig() {
    return memberConfig;
  }

  public void setMemberConfig(List<MemberConfig> memberConfig) {
    this.memberConfig = memberConfig == null ? null : new ArrayList<>(memberConfig);
  }

  public Map<String, Map<String, Integer>> getWriteConcernModes() {
    return writeConcernModes;
  }

  public void setWriteConcernModes(Map<String, Map<String, Integer>> writeConcernModes) {
    this.writeConcernModes =
        writeConcernModes == null ? null : new LinkedHashMap<>(writeConcernModes);
  }

  public WriteConcern getDefaultWriteConcern() {
    return defaultWriteConcern;
  }

  public void setDefaultWriteConcern(WriteConcern defaultWriteConcern) {
    this.defaultWriteConcern = defaultWriteConcern;
  }

  public Map<String, String> getNodeParameters() {
    return nodeParameters;
  }

  public void setNodeParameters(Map<String, String> nodeParameters) {
    this.nodeParameters = nodeParameters == null ? null : new LinkedHashMap<>(nodeParameters);
  }

  public Integer getPreferredPrimary() {
    return preferredPrimary;
  }

  public void setPreferredPrimary(Integer preferredPrimary) {
    this.preferredPrimary = preferredPrimary;
  }

  public Boolean getPaused() {
    return paused;
  }

  public void setPaused(Boolean paused) {
    this.paused = paused;
  }

  public UpdateStrategy getUpdateStrategy() {
    return updateStrategy;
  }

  public void setUpdateStrategy(UpdateStrategy updateStrategy) {
    this.updateStrategy = updateStrategy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplicaSetSpec s
        && Objects.equals(members, s.members)
        && Objects.equals(arbiters, s.arbiters)
        && Objects.equals(image, s.image)
        && Objects.equals(storage, s.storage)
        && Objects.equals(resources, s.resources)
        && Objects.equals(oplogSizeMB, s.oplogSizeMB)
        && Objects.equals(settings, s.settings)
        && Objects.equals(memberConfig, s.memberConfig)
        && Objects.equals(writeConcernModes, s.writeConcernModes)
        && Objects.equals(defaultWriteConcern, s.defaultWriteConcern)
        && Objects.equals(nodeParameters, s.nodeParameters)
        && Objects.equals(preferredPrimary, s.preferredPrimary)
        && Objects.equals(paused, s.paused)
        && Objects.equals(updateStrategy, s.updateStrategy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(members, arbiters, image, storage, oplogSizeMB, memberConfig);
  }
}
