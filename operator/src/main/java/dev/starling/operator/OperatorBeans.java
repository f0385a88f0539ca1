package dev.starling.operator;

import dev.starling.operator.observe.FakeNodeAdmin;
import dev.starling.operator.observe.NodeAdmin;
import dev.starling.operator.observe.NodeAdminClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** The operator's shared objects: the members' client, the clock, and leader election. */
public class OperatorBeans {
  /** The Lease two replicas of the operator contend for; only its holder reconciles. */
  public static final String LEASE_NAME = "starling-operator";

  private static final Logger LOG = Logger.getLogger(OperatorBeans.class);

  /**
   * The members' client: {@link NodeAdminClient} to the real nodes ({@code
   * starling.node-client=real}, the default), or {@link FakeNodeAdmin}, replica sets simulated in
   * memory, only for benchmarks of the operator alone ({@code fake}). Chosen when the operator
   * starts, so one build serves both.
   */
  @Produces
  @Singleton
  NodeAdmin nodeAdmin(
      Clock clock,
      @ConfigProperty(name = "starling.node-client", defaultValue = "real") String kind) {
    return switch (kind) {
      case "real" -> new NodeAdminClient(clock);
      case "fake" -> {
        LOG.warn(
            "starling.node-client=fake: the members are simulated in memory and no node is"
                + " contacted; for benchmarks only");
        yield new FakeNodeAdmin(clock);
      }
      default ->
          throw new IllegalArgumentException(
              "starling.node-client must be 'real' or 'fake', not '" + kind + "'");
    };
  }

  void closeNodeAdmin(@Disposes NodeAdmin nodes) {
    nodes.close();
  }

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  /**
   * Leader election, in the Lease {@value #LEASE_NAME} of the operator's namespace (POD_NAMESPACE)
   * with the pod's name as identity (POD_NAME). Off with {@code starling.leader-election.enabled=
   * false}, for an operator run by hand outside the cluster: then there is no bean, and QOSDK runs
   * without election.
   */
  @Produces
  @Dependent
  @Unremovable
  LeaderElectionConfiguration leaderElection(
      @ConfigProperty(name = "starling.leader-election.enabled", defaultValue = "true")
          boolean enabled,
      @ConfigProperty(name = "POD_NAMESPACE") Optional<String> namespace,
      @ConfigProperty(name = "POD_NAME") Optional<String> identity) {
    if (!enabled) {
      LOG.info("leader election is off (starling.leader-election.enabled=false)");
      return null;
    }
    return new LeaderElectionConfiguration(
        LEASE_NAME,
        namespace.orElse(null),
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        identity.orElse(null),
        new LeaderCallbacks(() -> {}, OperatorBeans::exitAfterLosingTheLease, leader -> {}),
        false);
  }

  /**
   * A replica that stops leading must stop acting at once, or two would act: it exits and the
   * kubelet restarts it as a follower. JOSDK's own exit (exitOnStopLeading) calls System.exit on
   * the thread that stops leading, which during Quarkus's shutdown (SIGTERM, or a failed start) is
   * the thread the shutdown hook waits for: the JVM hung. A thread of its own exits instead.
   */
  static void exitAfterLosingTheLease() {
    Thread exit =
        new Thread(
            () -> {
              LOG.info("no longer the leader: exiting so that another replica acts alone");
              System.exit(1);
            },
            "leader-election-exit");
    exit.setDaemon(true);
    exit.start();
  }
}
