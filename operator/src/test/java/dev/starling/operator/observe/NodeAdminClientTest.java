package dev.starling.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The client cache only: creating a client connects nothing until a command is sent. */
class NodeAdminClientTest {
  static final String A = "orders-0.orders-hs.shop.svc.cluster.local:27017";
  static final String B = "orders-1.orders-hs.shop.svc.cluster.local:27017";
  static final String C = "other-0.other-hs.shop.svc.cluster.local:27017";

  @Test
  void aHostThatLeavesItsSetHasItsClientClosed() {
    try (NodeAdminClient nodes = new NodeAdminClient(Clock.systemUTC())) {
      nodes.retain("shop/other", Set.of(C));
      nodes.retain("shop/orders", Set.of(A, B));
      nodes.client(A);
      nodes.client(B);
      nodes.client(C);
      assertThat(nodes.openHosts()).containsExactlyInAnyOrder(A, B, C);

      nodes.retain("shop/orders", Set.of(A));

      assertThat(nodes.openHosts()).containsExactlyInAnyOrder(A, C);
    }
  }

  @Test
  void theHostsOfASetThatStoppedObservingAreClosedAfterItExpires() {
    MutableClock clock = new MutableClock();
    try (NodeAdminClient nodes = new NodeAdminClient(clock)) {
      nodes.retain("shop/orders", Set.of(A));
      nodes.retain("shop/other", Set.of(C));
      nodes.client(A);
      nodes.client(C);

      clock.now = clock.now.plus(NodeAdminClient.OWNER_EXPIRY).plusSeconds(1);
      nodes.retain("shop/other", Set.of(C));

      assertThat(nodes.openHosts()).containsExactly(C);
    }
  }

  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-12-04T12:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
