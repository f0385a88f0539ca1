package dev.starling.operator.plan;

import dev.starling.operator.model.MemberSettings;

/**
 * A member the spec asks for, with the config settings it should have.
 *
 * @param ordinal the pod's ordinal in its StatefulSet
 * @param id the {@code _id} it gets when added: the ordinal for data members, 50 + the ordinal for
 *     arbiters (data ordinals stop at 49)
 * @param fenced kept out of elections and reads by the {@code starling.dev/fence} annotation
 */
public record DesiredMember(
    String name,
    String host,
    int ordinal,
    boolean arbiter,
    int id,
    MemberSettings settings,
    boolean fenced) {

  public static final int ARBITER_ID_BASE = 50;

  /** The config entry of this member when it is added with {@code id}. */
  public ConfigMember toConfigMember(int configId) {
    if (arbiter) {
      return ConfigMember.arbiter(configId, host);
    }
    return new ConfigMember(
        configId,
        host,
        false,
        settings.priority(),
        settings.votes(),
        settings.hidden(),
        settings.secondaryDelaySecs(),
        settings.tags(),
        false);
  }

  /** {@code current} with this member's settings. */
  public ConfigMember applyTo(ConfigMember current) {
    if (arbiter) {
      return current.withSettings(0, 1, false, 0, current.tags());
    }
    return current.withSettings(
        settings.priority(),
        settings.votes(),
        settings.hidden(),
        settings.secondaryDelaySecs(),
        settings.tags());
  }
}
