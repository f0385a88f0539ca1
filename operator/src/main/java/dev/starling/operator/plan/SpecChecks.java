package dev.starling.operator.plan;

import dev.starling.operator.model.MemberSettings;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the CRD's CEL rules cannot judge (annotations, tag values, the write concern against the
 * modes), and, again, the few rules whose breach would make the node refuse every config.
 */
final class SpecChecks {
  static final int MAX_VOTERS = 7;

  private SpecChecks() {}

  static Optional<Refusal> check(DesiredSet d) {
    return Optional.ofNullable(problem(d)).map(m -> new Refusal(Refusal.Cause.InvalidSpec, m));
  }

  private static String problem(DesiredSet d) {
    if (d.fenceProblem() != null) {
      return d.fenceProblem();
    }
    List<DesiredMember> data = d.dataMembersList();
    long voters = d.members().stream().filter(m -> m.settings().votes() > 0).count();
    if (voters > MAX_VOTERS) {
      return "the spec has "
          + voters
          + " voting members, arbiters included; at most 7 may vote: give the others votes: 0 and"
          + " priority: 0";
    }
    if (data.stream().noneMatch(m -> m.settings().electable())) {
      return "no member can become primary"
          + (data.stream().anyMatch(DesiredMember::fenced)
              ? " while the members in the starling.dev/fence annotation are fenced"
              : "")
          + ": give one member priority > 0";
    }
    String preferred = preferredProblem(d, data);
    if (preferred != null) {
      return preferred;
    }
    String modes = modesProblem(d, data);
    if (modes != null) {
      return modes;
    }
    return writeConcernProblem(d, data.size());
  }

  private static String preferredProblem(DesiredSet d, List<DesiredMember> data) {
    if (d.preferredPrimary() == null) {
      return null;
    }
    Optional<DesiredMember> p = d.preferred();
    if (p.isEmpty()) {
      return "preferredPrimary " + d.preferredPrimary() + " is not a member";
    }
    if (p.get().fenced()) {
      return "preferredPrimary "
          + p.get().ordinal()
          + " is fenced by the starling.dev/fence annotation: unfence it or choose another member";
    }
    MemberSettings s = p.get().settings();
    if (!s.electable()) {
      return "preferredPrimary "
          + p.get().ordinal()
          + " cannot become primary: give it priority > 0";
    }
    for (DesiredMember m : data) {
      if (m.settings().priority() > s.priority()) {
        return "preferredPrimary "
            + p.get().ordinal()
            + " has priority "
            + Describe.num(s.priority())
            + " but member "
            + m.ordinal()
            + " has "
            + Describe.num(m.settings().priority())
            + ", and would take the primary back";
      }
    }
    return null;
  }

  private static String modesProblem(DesiredSet d, List<DesiredMember> data) {
    for (Map.Entry<String, Map<String, Integer>> mode : d.writeConcernModes().entrySet()) {
      if (mode.getValue().isEmpty()) {
        return "writeConcernModes." + mode.getKey() + " has no tag";
      }
      for (Map.Entry<String, Integer> tag : mode.getValue().entrySet()) {
        Set<String> values = new HashSet<>();
        data.forEach(
            m -> {
              String v = m.settings().tags().get(tag.getKey());
              if (v != null) {
                values.add(v);
              }
            });
        int wanted = tag.getValue() == null ? 0 : tag.getValue();
        if (wanted < 1 || values.size() < wanted) {
          return "writeConcernModes."
              + mode.getKey()
              + " needs "
              + wanted
              + " different values of tag "
              + tag.getKey()
              + " but the members have "
              + values.size()
              + (values.isEmpty() ? "" : " " + values)
              + ": tag the members in memberConfig, or lower the number";
        }
      }
    }
    return null;
  }

  private static String writeConcernProblem(DesiredSet d, int dataMembers) {
    DefaultWriteConcern wc = d.defaultWriteConcern();
    if (wc == null) {
      return null;
    }
    if (wc.w() == null) {
      return "defaultWriteConcern needs w: a number of members, \"majority\" or a mode name";
    }
    if (wc.w() instanceof Integer n && (n < 1 || n > dataMembers)) {
      return "defaultWriteConcern w: "
          + n
          + " must be between 1 and the "
          + dataMembers
          + " data-bearing members";
    }
    if (wc.w() instanceof String mode
        && !mode.equals("majority")
        && !d.writeConcernModes().containsKey(mode)) {
      return "defaultWriteConcern w: \""
          + mode
          + "\" is neither \"majority\" nor a mode of writeConcernModes";
    }
    return null;
  }
}
