package dev.starling.operator.plan;

import dev.starling.operator.api.v1alpha1.Annotations;
import dev.starling.operator.api.v1alpha1.ReplicaSetSpec;
import dev.starling.operator.api.v1alpha1.UpdateStrategy;
import dev.starling.operator.model.MemberSettings;
import dev.starling.operator.model.ReplicaSetModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The spec as the planner needs it: defaults applied, every member named with its host and its
 * settings, and the fence annotation applied (a fenced member keeps its vote, so majorities do not
 * change, but gets priority 0 and hidden, so it is neither elected nor read from).
 *
 * @param fenceProblem why the fence annotation cannot be applied; null when it can
 * @param supervised {@code updateStrategy.type: Supervised}: a roll stops before the primary until
 *     a new {@code starling.dev/approve} value
 * @param pacingSeconds {@code updateStrategy.pacingSeconds}: the least time between two restarts
 */
public record DesiredSet(
    String name,
    String statefulSetName,
    String arbiterStatefulSetName,
    List<DesiredMember> members,
    int dataMembers,
    int arbiters,
    ConfigSettings settings,
    Map<String, Map<String, Integer>> writeConcernModes,
    DefaultWriteConcern defaultWriteConcern,
    Integer oplogSizeMB,
    Integer preferredPrimary,
    boolean paused,
    String fenceProblem,
    boolean supervised,
    int pacingSeconds) {

  public DesiredSet {
    members = List.copyOf(members);
    writeConcernModes = writeConcernModes == null ? Map.of() : Map.copyOf(writeConcernModes);
  }

  public static DesiredSet of(ReplicaSetModel model) {
    ReplicaSetSpec spec =
        model.resource().getSpec() == null ? new ReplicaSetSpec() : model.resource().getSpec();
    UpdateStrategy strategy =
        spec.getUpdateStrategy() == null ? new UpdateStrategy() : spec.getUpdateStrategy();
    Map<String, String> annotations = model.resource().getMetadata().getAnnotations();
    String fence = annotations == null ? null : annotations.get(Annotations.FENCE);
    Set<Integer> fenced = new TreeSet<>();
    String fenceProblem = parseFence(fence, model.members(), fenced);
    List<DesiredMember> members = new ArrayList<>();
    for (int i = 0; i < model.members(); i++) {
      MemberSettings s = model.memberSettings(i);
      boolean isFenced = fenced.contains(i);
      if (isFenced) {
        s = new MemberSettings(0, s.votes(), true, s.secondaryDelaySecs(), s.tags());
      }
      members.add(
          new DesiredMember(model.podName(i), model.memberHost(i), i, false, i, s, isFenced));
    }
    for (int i = 0; i < model.arbiters(); i++) {
      members.add(
          new DesiredMember(
              model.arbiterPodName(i),
              model.arbiterHost(i),
              i,
              true,
              DesiredMember.ARBITER_ID_BASE + i,
              new MemberSettings(0, 1, false, 0, Map.of()),
              false));
    }
    return new DesiredSet(
        model.name(),
        model.statefulSetName(),
        model.arbiterStatefulSetName(),
        members,
        model.members(),
        model.arbiters(),
        ConfigSettings.of(spec.getSettings()),
        spec.getWriteConcernModes(),
        DefaultWriteConcern.of(spec.getDefaultWriteConcern()),
        spec.getOplogSizeMB(),
        spec.getPreferredPrimary(),
        model.paused(),
        fenceProblem,
        strategy.getType() == UpdateStrategy.Type.Supervised,
        strategy.getPacingSeconds() == null ? 0 : strategy.getPacingSeconds());
  }

  private static String parseFence(String value, int members, Set<Integer> into) {
    if (value == null || value.isBlank()) {
      return null;
    }
    for (String part : value.split(",")) {
      String p = part.trim();
      if (!p.matches("[0-9]{1,2}")) {
        return Annotations.FENCE
            + ": \""
            + value
            + "\" is not a list of member ordinals such as \"1\" or \"1,2\"";
      }
      int ordinal = Integer.parseInt(p);
      if (ordinal >= members) {
        return Annotations.FENCE + ": member " + ordinal + " does not exist";
      }
      into.add(ordinal);
    }
    return null;
  }

  public Optional<DesiredMember> member(String host) {
    return members.stream().filter(m -> m.host().equals(host)).findFirst();
  }

  public List<DesiredMember> dataMembersList() {
    return members.stream().filter(m -> !m.arbiter()).toList();
  }

  public Optional<DesiredMember> preferred() {
    if (preferredPrimary == null) {
      return Optional.empty();
    }
    return members.stream()
        .filter(m -> !m.arbiter() && m.ordinal() == preferredPrimary)
        .findFirst();
  }
}
