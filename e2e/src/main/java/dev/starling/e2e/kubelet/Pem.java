package dev.starling.e2e.kubelet;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A TLS server context from PEM files: a certificate chain and a PKCS#8 private key. */
final class Pem {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

  private Pem() {}

  static SSLContext serverContext(Path certFile, Path keyFile)
      throws IOException, GeneralSecurityException {
    Certificate[] chain =
        CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(certFile)))
            .toArray(Certificate[]::new);
    if (chain.length == 0) {
      throw new GeneralSecurityException("no certificate in " + certFile);
    }
    PrivateKey key = privateKey(Files.readString(keyFile), keyFile);
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    char[] password = "starling".toCharArray();
    store.setKeyEntry("kubelet", key, password, chain);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return context;
  }

  private static PrivateKey privateKey(String pem, Path file) throws GeneralSecurityException {
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      if (!m.group(1).equals("PRIVATE KEY")) {
        continue;
      }
      byte[] der = Base64.getMimeDecoder().decode(m.group(2).strip());
      PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
      for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
        try {
          return KeyFactory.getInstance(algorithm).generatePrivate(spec);
        } catch (GeneralSecurityException e) {
          // try the next algorithm
        }
      }
    }
    throw new GeneralSecurityException(
        file + " holds no PKCS#8 private key (-----BEGIN PRIVATE KEY-----)");
  }
}
