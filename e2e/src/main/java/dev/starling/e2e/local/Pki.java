package dev.starling.e2e.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The cluster's certificates, made with the {@code openssl} CLI: one CA, the API server's serving
 * certificate, a client certificate per control-plane user, the kubelet's serving certificate and
 * the service-account signing key pair. Keys are RSA 2048 in PKCS#8 PEM ({@code BEGIN PRIVATE
 * KEY}), readable by Go and by Java's {@code PKCS8EncodedKeySpec}. Everything lives ten years: a
 * local cluster is thrown away long before.
 */
final class Pki {
  /** One certificate the CA signs: its file name (without .crt/.key), subject and extensions. */
  record Leaf(String name, String subject, String extendedKeyUsage, List<String> altNames) {}

  static final String CA = "ca";
  static final String SERVICE_ACCOUNT = "sa";

  static final List<Leaf> LEAVES =
      List.of(
          new Leaf(
              "apiserver",
              "/CN=kube-apiserver",
              "serverAuth",
              List.of(
                  "IP:127.0.0.1",
                  "IP:" + ClusterNetwork.GATEWAY,
                  "IP:10.96.0.1",
                  "DNS:localhost",
                  "DNS:kubernetes",
                  "DNS:kubernetes.default",
                  "DNS:kubernetes.default.svc",
                  "DNS:kubernetes.default.svc.cluster.local")),
          new Leaf("admin", "/O=system:masters/CN=admin", "clientAuth", List.of()),
          new Leaf(
              "controller-manager", "/CN=system:kube-controller-manager", "clientAuth", List.of()),
          new Leaf("scheduler", "/CN=system:kube-scheduler", "clientAuth", List.of()),
          new Leaf(
              "apiserver-kubelet-client",
              "/O=system:masters/CN=kube-apiserver-kubelet-client",
              "clientAuth",
              List.of()),
          new Leaf(
              "kubelet",
              "/CN=starling-kubelet",
              "serverAuth,clientAuth",
              List.of("IP:" + ClusterNetwork.GATEWAY, "IP:127.0.0.1", "DNS:localhost")));

  private static final String REQ_CONFIG =
      """
      [req]
      distinguished_name = dn
      prompt = no
      [dn]
      CN = unused
      [ca]
      basicConstraints = critical,CA:TRUE
      keyUsage = critical,keyCertSign,cRLSign,digitalSignature
      subjectKeyIdentifier = hash
      """;

  private static final String DAYS = "3650";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Pki() {}

  static void generate(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      Path config = dir.resolve("req.cnf");
      Files.writeString(config, REQ_CONFIG);
      List<String> keys = new ArrayList<>(List.of(CA, SERVICE_ACCOUNT));
      LEAVES.forEach(leaf -> keys.add(leaf.name()));
      generateKeys(dir, keys);
      run(
          "openssl",
          "req",
          "-x509",
          "-new",
          "-key",
          key(dir, CA),
          "-subj",
          "/CN=starling-local-ca",
          "-days",
          DAYS,
          "-config",
          config.toString(),
          "-extensions",
          "ca",
          "-out",
          cert(dir, CA));
      for (Leaf leaf : LEAVES) {
        sign(dir, config, leaf);
      }
      run(
          "openssl",
          "pkey",
          "-in",
          key(dir, SERVICE_ACCOUNT),
          "-pubout",
          "-out",
          dir.resolve(SERVICE_ACCOUNT + ".pub").toString());
      for (Path leftover : List.of(config, dir.resolve("ca.srl"))) {
        Files.deleteIfExists(leftover);
      }
    } catch (IOException e) {
      throw new LocalException("writing the certificates in " + dir + " failed: " + e, e);
    }
  }

  /** Keys are the slow part (RSA primes), so they are made by parallel openssl processes. */
  private static void generateKeys(Path dir, List<String> names) throws IOException {
    List<Process> running = new ArrayList<>();
    for (String name : names) {
      List<String> command =
          List.of(
              "openssl",
              "genpkey",
              "-quiet",
              "-algorithm",
              "RSA",
              "-pkeyopt",
              "rsa_keygen_bits:2048",
              "-out",
              key(dir, name));
      try {
        running.add(new ProcessBuilder(command).redirectErrorStream(true).start());
      } catch (IOException e) {
        throw Shell.notRunnable(command, e);
      }
    }
    for (int i = 0; i < running.size(); i++) {
      Process process = running.get(i);
      String output = new String(process.getInputStream().readAllBytes());
      if (waitFor(process) != 0) {
        throw new LocalException(
            "openssl genpkey for " + names.get(i) + " failed: " + Shell.lastLine(output));
      }
      Files.setPosixFilePermissions(
          Path.of(key(dir, names.get(i))), PosixFilePermissions.fromString("rw-------"));
    }
  }

  private static void sign(Path dir, Path config, Leaf leaf) throws IOException {
    Path csr = dir.resolve(leaf.name() + ".csr");
    Path extensions = dir.resolve(leaf.name() + ".ext");
    Files.writeString(extensions, extensions(leaf));
    run(
        "openssl",
        "req",
        "-new",
        "-key",
        key(dir, leaf.name()),
        "-subj",
        leaf.subject(),
        "-config",
        config.toString(),
        "-out",
        csr.toString());
    run(
        "openssl",
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        cert(dir, CA),
        "-CAkey",
        key(dir, CA),
        "-set_serial",
        "0x" + HexFormat.of().formatHex(serial()),
        "-days",
        DAYS,
        "-extfile",
        extensions.toString(),
        "-out",
        cert(dir, leaf.name()));
    Files.delete(csr);
    Files.delete(extensions);
  }

  static String extensions(Leaf leaf) {
    StringBuilder ext =
        new StringBuilder()
            .append("basicConstraints = critical,CA:FALSE\n")
            .append("keyUsage = critical,digitalSignature,keyEncipherment\n")
            .append("extendedKeyUsage = ")
            .append(leaf.extendedKeyUsage())
            .append('\n')
            .append("authorityKeyIdentifier = keyid\n");
    if (!leaf.altNames().isEmpty()) {
      ext.append("subjectAltName = ").append(String.join(",", leaf.altNames())).append('\n');
    }
    return ext.toString();
  }

  private static byte[] serial() {
    byte[] serial = new byte[12];
    RANDOM.nextBytes(serial);
    serial[0] &= 0x7f; // positive
    serial[0] |= 0x10; // and never a leading zero byte
    return serial;
  }

  static String key(Path dir, String name) {
    return dir.resolve(name + ".key").toString();
  }

  static String cert(Path dir, String name) {
    return dir.resolve(name + ".crt").toString();
  }

  private static void run(String... command) {
    Shell.check(command);
  }

  private static int waitFor(Process process) {
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalException("interrupted while making keys");
    }
  }
}
