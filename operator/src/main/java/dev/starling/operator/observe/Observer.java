package dev.starling.operator.observe;

import com.mongodb.MongoCommandException;
import dev.starling.operator.model.Labels;
import dev.starling.operator.model.ReplicaSetModel;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bson.BsonDocument;
import org.jboss.logging.Logger;

/**
 * Observes one set: asks every pod that exists, all at once on virtual threads, for hello,
 * replSetGetStatus, replSetGetConfig, the oplog's collStats and the default write concern, then
 * builds the {@link Observation} with {@link ObservationBuilder}. A member that does not answer is
 * unreachable, never an exception.
 */
public class Observer {
  private static final Logger LOG = Logger.getLogger(Observer.class);

  /** Every call is bounded by the client's timeouts; this bounds a member's calls together. */
  static final Duration MEMBER_BUDGET = Duration.ofSeconds(15);

  private final NodeAdmin nodes;

  public Observer(NodeAdmin nodes) {
    this.nodes = nodes;
  }

  /**
   * @param pods the set's pods (data members and arbiters), as the cache has them
   * @param facts what Kubernetes says of the set beside its members
   */
  public Observation observe(ReplicaSetModel model, List<Pod> pods, SetFacts facts) {
    List<PodTarget> targets = targets(model, pods);
    // Claimed before they are asked, so that another set's observation never closes them.
    Set<String> hosts = new LinkedHashSet<>();
    targets.forEach(t -> hosts.add(t.host()));
    nodes.retain(model.namespace() + "/" + model.name(), hosts);
    List<MemberReplies> replies = new ArrayList<>();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<MemberReplies>> futures = new ArrayList<>();
      for (PodTarget t : targets) {
        futures.add(executor.submit(() -> ask(t)));
      }
      for (int i = 0; i < targets.size(); i++) {
        replies.add(await(futures.get(i), targets.get(i)));
      }
    }
    return ObservationBuilder.build(replies, facts);
  }

  /** A pod, the host it is addressed by, and whether it can be asked at all. */
  record PodTarget(String name, String host, boolean arbiter, int ordinal, boolean running) {}

  /**
   * The set's pods in member order (data members by ordinal, then arbiters). A pod whose name is
   * not {@code <name>-<ordinal>} or {@code <name>-arbiter-<ordinal>} is not one of the set's.
   */
  static List<PodTarget> targets(ReplicaSetModel model, List<Pod> pods) {
    List<PodTarget> targets = new ArrayList<>();
    for (Pod pod : pods) {
      String name = pod.getMetadata().getName();
      Map<String, String> labels = pod.getMetadata().getLabels();
      boolean arbiter = labels != null && Labels.ARBITER.equals(labels.get(Labels.NAME));
      String prefix = (arbiter ? model.arbiterStatefulSetName() : model.statefulSetName()) + "-";
      Optional<Integer> ordinal = ordinal(name, prefix);
      if (ordinal.isEmpty()) {
        continue;
      }
      String host = arbiter ? model.arbiterHost(ordinal.get()) : model.memberHost(ordinal.get());
      boolean running =
          pod.getStatus() != null
              && "Running".equals(pod.getStatus().getPhase())
              && pod.getStatus().getPodIP() != null;
      targets.add(new PodTarget(name, host, arbiter, ordinal.get(), running));
    }
    targets.sort(Comparator.comparing(PodTarget::arbiter).thenComparingInt(PodTarget::ordinal));
    return targets;
  }

  private static Optional<Integer> ordinal(String name, String prefix) {
    if (!name.startsWith(prefix)) {
      return Optional.empty();
    }
    String rest = name.substring(prefix.length());
    return rest.matches("[0-9]{1,3}") ? Optional.of(Integer.parseInt(rest)) : Optional.empty();
  }

  private MemberReplies ask(PodTarget t) {
    if (!t.running() && nodes.needsRunningPods()) {
      return MemberReplies.unreachable(t.name(), t.host(), t.arbiter());
    }
    BsonDocument hello;
    try {
      hello = nodes.hello(t.host());
    } catch (RuntimeException e) {
      LOG.debugf("%s does not answer hello: %s", t.host(), e.getMessage());
      return MemberReplies.unreachable(t.name(), t.host(), t.arbiter());
    }
    BsonDocument status = null;
    Integer statusError = null;
    try {
      status = nodes.replSetGetStatus(t.host());
    } catch (MongoCommandException e) {
      statusError = e.getErrorCode();
    } catch (RuntimeException e) {
      LOG.debugf("%s: replSetGetStatus failed: %s", t.host(), e.getMessage());
    }
    BsonDocument config = null;
    if (statusError == null || statusError != ObservationBuilder.NOT_YET_INITIALIZED) {
      config = quietly(t, "replSetGetConfig", () -> nodes.replSetGetConfig(t.host()));
    }
    BsonDocument oplog =
        t.arbiter() ? null : quietly(t, "collStats", () -> nodes.oplogStats(t.host()));
    BsonDocument rwConcern =
        config == null
            ? null
            : quietly(t, "getDefaultRWConcern", () -> nodes.getDefaultRWConcern(t.host()));
    return new MemberReplies(
        t.name(), t.host(), t.arbiter(), hello, status, statusError, config, oplog, rwConcern);
  }

  private static BsonDocument quietly(
      PodTarget t, String command, java.util.function.Supplier<BsonDocument> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      LOG.debugf("%s: %s failed: %s", t.host(), command, e.getMessage());
      return null;
    }
  }

  private static MemberReplies await(Future<MemberReplies> future, PodTarget t) {
    try {
      return future.get(MEMBER_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      future.cancel(true);
      return MemberReplies.unreachable(t.name(), t.host(), t.arbiter());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      return MemberReplies.unreachable(t.name(), t.host(), t.arbiter());
    }
  }
}
