package dev.starling.operator.observe;

import dev.starling.operator.plan.DefaultWriteConcern;
import dev.starling.operator.plan.MemberState;
import dev.starling.operator.plan.ObservedMember;
import dev.starling.operator.plan.ObservedSet;
import dev.starling.operator.plan.ReplSetConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;

/**
 * Turns the replies of every pod into the planner's {@link ObservedSet}. Pure: the replies are
 * documents shaped as the node sends them, so this is tested without a node.
 *
 * <ol>
 *   <li>Each member's own state is its replSetGetStatus {@code myState}; a member without a config
 *       (94 NotYetInitialized) is STARTUP; an unreachable one is DOWN when the primary says so,
 *       else UNKNOWN.
 *   <li>The primary is the reachable member that reports itself PRIMARY, the one of the highest
 *       term if a stale one still does.
 *   <li>The config is the primary's, else the newest any member has (term, then version).
 *   <li>Health and lag come from the primary's replSetGetStatus: lag is the primary's applied
 *       optime minus the member's (the newer of the primary's view and the member's own hello), in
 *       seconds; both are unknown without a primary.
 *   <li>The default write concern is the primary's {@code getDefaultRWConcern} when its source is
 *       {@code global}; an implicit default is no default.
 * </ol>
 */
public final class ObservationBuilder {
  /** NotYetInitialized: the member has no replica-set config. */
  static final int NOT_YET_INITIALIZED = 94;

  private static final long MB = 1024L * 1024L;

  private ObservationBuilder() {}

  public static Observation build(List<MemberReplies> replies, SetFacts facts) {
    Optional<MemberReplies> primary =
        replies.stream()
            .filter(r -> r.reachable() && ownState(r) == MemberState.PRIMARY)
            .max(Comparator.comparingLong(ObservationBuilder::termOf));

    BsonDocument configDocument = primary.map(MemberReplies::config).orElse(null);
    if (configDocument == null) {
      configDocument =
          replies.stream()
              .map(MemberReplies::config)
              .filter(c -> c != null)
              .max(ObservationBuilder::compareConfigs)
              .orElse(null);
    }
    ReplSetConfig config = configDocument == null ? null : ConfigDocuments.parse(configDocument);

    Map<String, BsonDocument> primaryView = new HashMap<>();
    primary
        .map(MemberReplies::status)
        .ifPresent(
            s -> {
              for (BsonValue m : s.getArray("members", new org.bson.BsonArray())) {
                primaryView.put(m.asDocument().getString("name").getValue(), m.asDocument());
              }
            });
    Long primaryOptime =
        primary.map(p -> appliedSeconds(p, primaryView.get(p.host()))).orElse(null);

    List<ObservedMember> members = new ArrayList<>();
    for (MemberReplies r : replies) {
      BsonDocument view = primaryView.get(r.host());
      int health = -1;
      if (primary.isPresent() && view != null) {
        health = (int) view.get("health").asNumber().doubleValue();
      }
      MemberState state = r.reachable() ? ownState(r) : unreachableState(view);
      Long lag = null;
      if (primary.isPresent() && primary.get().host().equals(r.host())) {
        lag = 0L;
      } else if (primaryOptime != null && view != null) {
        Long applied = appliedSeconds(r, view);
        lag = applied == null ? null : Math.max(0, primaryOptime - applied);
      }
      BsonDocument own = r.config();
      members.add(
          new ObservedMember(
              r.name(),
              r.host(),
              r.arbiter(),
              r.reachable(),
              state,
              health,
              own == null ? 0 : (int) ConfigDocuments.longOf(own, "version", 0),
              own == null ? 0 : ConfigDocuments.longOf(own, "term", -1),
              lag,
              oplogSizeMB(r),
              facts.pod(r.name())));
    }

    DefaultWriteConcern defaultWriteConcern =
        primary
            .map(MemberReplies::defaultRWConcern)
            .or(
                () ->
                    replies.stream()
                        .map(MemberReplies::defaultRWConcern)
                        .filter(d -> d != null)
                        .findFirst())
            .map(ObservationBuilder::defaultWriteConcern)
            .orElse(null);

    Long term =
        primary
            .map(MemberReplies::status)
            .map(s -> ConfigDocuments.longOf(s, "term", 0))
            .orElseGet(
                () ->
                    replies.stream()
                        .map(MemberReplies::status)
                        .filter(s -> s != null && s.containsKey("term"))
                        .map(s -> ConfigDocuments.longOf(s, "term", 0))
                        .max(Long::compare)
                        .orElse(null));

    ObservedSet set =
        new ObservedSet(
            members,
            config,
            primary.map(MemberReplies::host).orElse(null),
            facts.statefulSetReplicas(),
            facts.arbiterStatefulSetReplicas(),
            defaultWriteConcern,
            facts.stepDownRequested(),
            facts.stepDownHandled(),
            facts.lastStepDown(),
            facts.rollout());
    return new Observation(set, term, configDocument);
  }

  /** What the member says of itself. */
  static MemberState ownState(MemberReplies r) {
    if (r.status() != null && r.status().containsKey("myState")) {
      return fromCode((int) ConfigDocuments.longOf(r.status(), "myState", 6));
    }
    if (r.statusError() != null && r.statusError() == NOT_YET_INITIALIZED) {
      return MemberState.STARTUP;
    }
    BsonDocument hello = r.hello();
    if (hello == null) {
      return MemberState.UNKNOWN;
    }
    if (!hello.containsKey("setName")) {
      return MemberState.STARTUP;
    }
    if (ConfigDocuments.boolOf(hello, "isWritablePrimary", false)) {
      return MemberState.PRIMARY;
    }
    if (ConfigDocuments.boolOf(hello, "secondary", false)) {
      return MemberState.SECONDARY;
    }
    if (ConfigDocuments.boolOf(hello, "arbiterOnly", false)) {
      return MemberState.ARBITER;
    }
    return MemberState.UNKNOWN;
  }

  private static MemberState unreachableState(BsonDocument primaryView) {
    if (primaryView != null && ConfigDocuments.longOf(primaryView, "state", -1) == 8) {
      return MemberState.DOWN;
    }
    return MemberState.UNKNOWN;
  }

  /** replSetGetStatus's numeric states, as mongod numbers them. */
  static MemberState fromCode(int code) {
    return switch (code) {
      case 0 -> MemberState.STARTUP;
      case 1 -> MemberState.PRIMARY;
      case 2 -> MemberState.SECONDARY;
      case 3 -> MemberState.RECOVERING;
      case 5 -> MemberState.STARTUP2;
      case 7 -> MemberState.ARBITER;
      case 8 -> MemberState.DOWN;
      case 9 -> MemberState.ROLLBACK;
      case 10 -> MemberState.REMOVED;
      default -> MemberState.UNKNOWN;
    };
  }

  private static long termOf(MemberReplies r) {
    return r.status() == null ? -1 : ConfigDocuments.longOf(r.status(), "term", -1);
  }

  /** mongod's order of configs: by term unless either was forced (term -1), then by version. */
  static int compareConfigs(BsonDocument a, BsonDocument b) {
    long ta = ConfigDocuments.longOf(a, "term", -1);
    long tb = ConfigDocuments.longOf(b, "term", -1);
    if (ta != -1 && tb != -1 && ta != tb) {
      return Long.compare(ta, tb);
    }
    return Long.compare(
        ConfigDocuments.longOf(a, "version", 0), ConfigDocuments.longOf(b, "version", 0));
  }

  /**
   * The seconds of the member's last applied optime: the newer of the primary's view of it and the
   * member's own hello (the primary learns of a secondary's progress a heartbeat late).
   */
  private static Long appliedSeconds(MemberReplies r, BsonDocument primaryView) {
    Long seconds = null;
    if (primaryView != null && primaryView.get("optime") instanceof BsonDocument optime) {
      seconds = timestampSeconds(optime.get("ts"));
    }
    if (r.hello() != null
        && r.hello().get("lastWrite") instanceof BsonDocument lastWrite
        && lastWrite.get("opTime") instanceof BsonDocument opTime) {
      Long own = timestampSeconds(opTime.get("ts"));
      if (own != null && (seconds == null || own > seconds)) {
        seconds = own;
      }
    }
    return seconds;
  }

  private static Long timestampSeconds(BsonValue ts) {
    return ts instanceof BsonTimestamp t ? (long) t.getTime() : null;
  }

  private static Long oplogSizeMB(MemberReplies r) {
    if (r.oplogStats() == null || !r.oplogStats().containsKey("maxSize")) {
      return null;
    }
    return Math.round(ConfigDocuments.longOf(r.oplogStats(), "maxSize", 0) / (double) MB);
  }

  /** The cluster-wide default, or null when the default is the implicit one. */
  static DefaultWriteConcern defaultWriteConcern(BsonDocument reply) {
    if (!"global".equals(stringOf(reply, "defaultWriteConcernSource"))
        || !(reply.get("defaultWriteConcern") instanceof BsonDocument wc)) {
      return null;
    }
    Object w = null;
    BsonValue wv = wc.get("w");
    if (wv != null && wv.isNumber()) {
      w = (int) wv.asNumber().longValue();
    } else if (wv != null && wv.isString()) {
      w = wv.asString().getValue();
    }
    Boolean j =
        wc.containsKey("j") && wc.get("j").isBoolean() ? wc.getBoolean("j").getValue() : null;
    Integer wtimeout =
        wc.containsKey("wtimeout") && wc.get("wtimeout").isNumber()
            ? (int) wc.get("wtimeout").asNumber().longValue()
            : null;
    return new DefaultWriteConcern(w, j, wtimeout);
  }

  private static String stringOf(BsonDocument d, String field) {
    BsonValue v = d.get(field);
    return v != null && v.isString() ? v.asString().getValue() : null;
  }
}
