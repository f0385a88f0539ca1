package dev.starling.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalAddressesTest {

  @Test
  void aLoopbackNameWithOurPortIsSelfWhenWeListenOnLoopback() {
    LocalAddresses self = new LocalAddresses(27017, false, List.of("127.0.0.1"));
    assertThat(self.names("localhost:27017")).isTrue();
    assertThat(self.names("127.0.0.1:27017")).isTrue();
    assertThat(self.names("localhost")).isTrue();
  }

  @Test
  void anotherPortIsAnotherNodeOnTheSameMachine() {
    LocalAddresses self = new LocalAddresses(27017, false, List.of("127.0.0.1"));
    assertThat(self.names("localhost:27018")).isFalse();
    assertThat(self.names("localhost:notaport")).isFalse();
  }

  @Test
  void aNameThatDoesNotResolveOrIsNotLocalIsNotSelf() {
    LocalAddresses self = new LocalAddresses(27017, true, List.of());
    assertThat(self.names("no-such-host.invalid:27017")).isFalse();
    assertThat(self.names("192.0.2.7:27017")).isFalse();
  }

  @Test
  void anInterfaceAddressIsSelfOnlyWhenWeListenOnIt() throws Exception {
    InetAddress address = null;
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
          address = a;
        }
      }
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(address != null, "no non-loopback IPv4 address");
    String host = address.getHostAddress() + ":27017";
    assertThat(new LocalAddresses(27017, true, List.of()).names(host)).isTrue();
    assertThat(new LocalAddresses(27017, false, List.of(address.getHostAddress())).names(host))
        .isTrue();
    assertThat(new LocalAddresses(27017, false, List.of("127.0.0.1")).names(host)).isFalse();
  }
}
