package dev.starling.e2e.local;

import dev.starling.e2e.local.ControlPlane.Probe;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Answers "is it ready?" for one component: an HTTP GET (TLS verified against the cluster's CA for
 * the API server; the controller manager and scheduler serve self-signed certificates, so those are
 * trusted as they are), a line in its log, or just being alive.
 */
final class Prober {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final HttpClient clusterCa;
  private final HttpClient anyCertificate;
  private final LocalPaths paths;

  Prober(LocalPaths paths) {
    this.paths = paths;
    this.clusterCa = client(trustingCa(paths.pki("ca.crt")));
    this.anyCertificate = client(trustingAnything());
  }

  /** Null when ready, else why not. */
  String notReadyBecause(ControlPlane.Component component) {
    return switch (component.probe()) {
      case Probe.Http http -> httpProblem(http);
      case Probe.LogLine line ->
          logHas(paths.log(component.name()), line.line())
              ? null
              : "has not printed \"" + line.line() + "\"";
      case Probe.Alive alive -> null;
    };
  }

  private String httpProblem(Probe.Http http) {
    HttpClient client = http.trustClusterCa() ? clusterCa : anyCertificate;
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(http.uri()).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          ? null
          : http.uri().getPath() + " answered " + response.statusCode();
    } catch (IOException e) {
      return http.uri()
          + ": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static boolean logHas(Path log, String line) {
    try {
      return Files.readAllLines(log).stream().anyMatch(l -> l.strip().equals(line));
    } catch (IOException e) {
      return false;
    }
  }

  private static HttpClient client(SSLContext ssl) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(TIMEOUT)
        .sslContext(ssl)
        .build();
  }

  private static SSLContext trustingCa(Path caPem) {
    try (InputStream in = Files.newInputStream(caPem)) {
      X509Certificate ca =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setCertificateEntry("starling-local-ca", ca);
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new LocalException("cannot load the cluster CA " + caPem + ": " + e.getMessage(), e);
    }
  }

  private static SSLContext trustingAnything() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new X509ExtendedTrustManager[] {new TrustAll()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Only for probing loopback health endpoints whose certificates we did not make. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
