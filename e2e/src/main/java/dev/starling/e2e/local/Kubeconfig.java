package dev.starling.e2e.local;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A kubeconfig with its certificates inline, so the file alone is enough to reach the cluster (the
 * admin one is handed to users and tests; the others to the controller manager and scheduler).
 */
final class Kubeconfig {
  private Kubeconfig() {}

  /**
   * @param cluster the cluster and context name
   * @param server the API server's URL
   * @param user the user's name in the file (the certificate decides who it is to the API server)
   */
  static String render(
      String cluster, String server, String caPem, String user, String certPem, String keyPem) {
    return """
    apiVersion: v1
    kind: Config
    clusters:
    - name: %1$s
      cluster:
        server: %2$s
        certificate-authority-data: %3$s
    users:
    - name: %4$s
      user:
        client-certificate-data: %5$s
        client-key-data: %6$s
    contexts:
    - name: %1$s
      context:
        cluster: %1$s
        user: %4$s
    current-context: %1$s
    """
        .formatted(cluster, server, base64(caPem), user, base64(certPem), base64(keyPem));
  }

  static String server(int apiPort) {
    return "https://127.0.0.1:" + apiPort;
  }

  private static String base64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
  }
}
