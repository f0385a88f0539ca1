package dev.starling.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CniConfigTest {

  @Test
  void bridgeConfigHangsPodsOffCni0WithHostLocalAddresses() throws Exception {
    JsonNode c = new ObjectMapper().readTree(CniConfig.bridge(Path.of("/state/kubelet/cni")));
    assertThat(c.path("type").asText()).isEqualTo("bridge");
    assertThat(c.path("bridge").asText()).isEqualTo("cni0");
    assertThat(c.path("isGateway").asBoolean()).isTrue();
    assertThat(c.path("ipMasq").asBoolean()).isFalse();
    assertThat(c.path("hairpinMode").asBoolean()).isTrue();
    JsonNode ipam = c.path("ipam");
    assertThat(ipam.path("type").asText()).isEqualTo("host-local");
    assertThat(ipam.path("subnet").asText()).isEqualTo("10.244.0.0/16");
    assertThat(ipam.path("rangeStart").asText()).isEqualTo("10.244.1.1");
    assertThat(ipam.path("gateway").asText()).isEqualTo("10.244.0.1");
    assertThat(ipam.path("dataDir").asText()).isEqualTo("/state/kubelet/cni");
  }

  @Test
  void readsTheAddressOfAnAddResult() {
    String result =
        """
        {"cniVersion":"1.0.0","interfaces":[{"name":"eth0"}],
         "ips":[{"interface":0,"address":"10.244.1.7/16","gateway":"10.244.0.1"}]}
        """;
    assertThat(CniConfig.resultIp(result)).isEqualTo("10.244.1.7");
    assertThatThrownBy(() -> CniConfig.resultIp("{\"ips\":[]}"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsPluginErrorsAndIpAddrOutput() {
    assertThat(CniConfig.errorMessage("{\"code\":7,\"msg\":\"no IP\",\"details\":\"range full\"}"))
        .isEqualTo("no IP: range full");
    assertThat(CniConfig.errorMessage("plain failure\n")).isEqualTo("plain failure");
    assertThat(
            CniConfig.addressOf(
                "3: eth0    inet 10.244.1.9/16 brd 10.244.255.255 scope global eth0\\ "
                    + "valid_lft forever preferred_lft forever"))
        .contains("10.244.1.9");
    assertThat(CniConfig.addressOf("")).isEmpty();
  }
}
