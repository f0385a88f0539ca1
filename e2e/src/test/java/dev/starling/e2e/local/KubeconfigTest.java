package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class KubeconfigTest {
  private static final String CA = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
  private static final String CERT = "-----BEGIN CERTIFICATE-----\nME\n-----END CERTIFICATE-----\n";
  private static final String KEY = "-----BEGIN PRIVATE KEY-----\nK\n-----END PRIVATE KEY-----\n";

  @Test
  void theKubeconfigPointsAtTheServerWithEverythingInline() throws Exception {
    String yaml =
        Kubeconfig.render("stl-f2af6c09", Kubeconfig.server(22729), CA, "admin", CERT, KEY);

    JsonNode config = new YAMLMapper().readTree(yaml);
    assertThat(config.path("current-context").asText()).isEqualTo("stl-f2af6c09");
    JsonNode cluster = config.path("clusters").get(0);
    assertThat(cluster.path("name").asText()).isEqualTo("stl-f2af6c09");
    assertThat(cluster.path("cluster").path("server").asText())
        .isEqualTo("https://127.0.0.1:22729");
    assertThat(decode(cluster.path("cluster").path("certificate-authority-data"))).isEqualTo(CA);
    JsonNode user = config.path("users").get(0);
    assertThat(user.path("name").asText()).isEqualTo("admin");
    assertThat(decode(user.path("user").path("client-certificate-data"))).isEqualTo(CERT);
    assertThat(decode(user.path("user").path("client-key-data"))).isEqualTo(KEY);
    JsonNode context = config.path("contexts").get(0).path("context");
    assertThat(context.path("cluster").asText()).isEqualTo("stl-f2af6c09");
    assertThat(context.path("user").asText()).isEqualTo("admin");
  }

  private static String decode(JsonNode base64) {
    return new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.US_ASCII);
  }
}
