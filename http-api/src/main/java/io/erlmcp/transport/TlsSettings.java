package io.erlmcp.transport;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for a listener (HTTP with its WebSocket, or TCP): the server's certificate and key as PEM
 * files or a PKCS#12/JKS keystore, optionally a trust store of client CAs and whether client
 * certificates are required. Only TLS 1.3 and 1.2 are enabled; an older handshake fails.
 */
public record TlsSettings(
    Path certFile,
    Path keyFile,
    Path keystore,
    String keystorePassword,
    Path trustFile,
    String trustPassword,
    ClientAuth clientAuth) {

  /** The protocols a listener accepts, newest first. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** Whether clients must, may or need not present a certificate. */
  public enum ClientAuth {
    NONE,
    WANT,
    NEED;

    public static ClientAuth parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("client-auth must be none, want or need, not '" + s + "'");
      }
    }
  }

  /**
   * The settings under {@code path} (for example {@code erlmcp.http.tls}), or empty when neither
   * a certificate nor a keystore is configured there (the listener is plain).
   */
  public static Optional<TlsSettings> from(Config config, String path) {
    if (!config.hasPath(path)) {
      return Optional.empty();
    }
    Config c = config.getConfig(path);
    String cert = c.getString("cert-file");
    String keystore = c.getString("keystore");
    if (cert.isBlank() && keystore.isBlank()) {
      return Optional.empty();
    }
    String trust = c.getString("trust-file");
    String auth = c.getString("client-auth");
    ClientAuth clientAuth =
        auth.isBlank()
            ? (trust.isBlank() ? ClientAuth.NONE : ClientAuth.NEED)
            : ClientAuth.parse(auth);
    return Optional.of(
        new TlsSettings(
            cert.isBlank() ? null : Path.of(cert),
            c.getString("key-file").isBlank() ? null : Path.of(c.getString("key-file")),
            keystore.isBlank() ? null : Path.of(keystore),
            c.getString("keystore-password"),
            trust.isBlank() ? null : Path.of(trust),
            c.getString("trust-password"),
            clientAuth));
  }

  /** Builds the SSL context; a bad file fails here, at start, with a message naming it. */
  public SSLContext context() {
    try {
      KeyStore keys;
      char[] keyPassword;
      if (certFile != null) {
        if (keyFile == null) {
          throw new IllegalArgumentException("a TLS certificate needs its key file (--tls-key)");
        }
        keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keyPassword = new char[0];
        List<Certificate> chain = certificates(certFile);
        if (chain.isEmpty()) {
          throw new IllegalArgumentException("no certificate in " + certFile);
        }
        keys.setKeyEntry("erlmcp", privateKey(keyFile), keyPassword, chain.toArray(Certificate[]::new));
      } else {
        keyPassword = keystorePassword.toCharArray();
        keys = loadKeyStore(keystore, keyPassword);
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, keyPassword);
      TrustManagerFactory tmf = null;
      if (trustFile != null) {
        KeyStore trust;
        if (isPem(trustFile)) {
          trust = KeyStore.getInstance("PKCS12");
          trust.load(null, null);
          int i = 0;
          for (Certificate c : certificates(trustFile)) {
            trust.setCertificateEntry("ca-" + i++, c);
          }
        } else {
          trust = loadKeyStore(trustFile, trustPassword.toCharArray());
        }
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** A server-side engine of {@code ctx}: TLS 1.2+ only, client certificates as configured. */
  public SSLEngine engine(SSLContext ctx) {
    SSLEngine engine = ctx.createSSLEngine();
    engine.setUseClientMode(false);
    List<String> supported = Arrays.asList(engine.getSupportedProtocols());
    engine.setEnabledProtocols(
        PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new));
    switch (clientAuth) {
      case NEED -> engine.setNeedClientAuth(true);
      case WANT -> engine.setWantClientAuth(true);
      case NONE -> engine.setNeedClientAuth(false);
    }
    return engine;
  }

  private static KeyStore loadKeyStore(Path file, char[] password)
      throws IOException, GeneralSecurityException {
    String type =
        file.toString().toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12";
    KeyStore ks = KeyStore.getInstance(type);
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, password);
    }
    return ks;
  }

  private static boolean isPem(Path file) throws IOException {
    byte[] head = new byte[64];
    try (InputStream in = Files.newInputStream(file)) {
      int n = in.readNBytes(head, 0, head.length);
      return new String(head, 0, n, StandardCharsets.US_ASCII).contains("-----BEGIN");
    }
  }

  private static List<Certificate> certificates(Path file)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      return new ArrayList<>(certs);
    }
  }

  /** An unencrypted PKCS#8 PEM key ("BEGIN PRIVATE KEY"): RSA, EC or EdDSA. */
  static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf(end);
    if (b < 0 || e < b) {
      throw new IllegalArgumentException(
          file
              + ": expected an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert with"
              + " 'openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW'");
    }
    byte[] der =
        Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e).getBytes(StandardCharsets.US_ASCII));
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    GeneralSecurityException last = null;
    for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException ex) {
        last = ex;
      }
    }
    throw new IllegalArgumentException(file + ": not an RSA, EC or EdDSA key", last);
  }

  /** For tests and tools: PEM text of DER bytes. */
  public static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
