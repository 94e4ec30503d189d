package io.erlmcp.runtime.tls;

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
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Key material from the files operators have: PEM certificate chains, unencrypted PKCS#8 PEM
 * keys, PKCS#12 or JKS keystores. Shared by the server's listeners ({@code TlsSettings} in
 * http-api) and the client SDK ({@code ClientTls}), so both read the same files the same way.
 */
public final class TlsFiles {
  private TlsFiles() {}

  /** A keystore holding one key entry: the PEM chain {@code certFile} and its key {@code keyFile}; password empty. */
  public static KeyStore pemKeyStore(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
    List<Certificate> chain = certificates(certFile);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("no certificate in " + certFile);
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("erlmcp", privateKey(keyFile), new char[0], chain.toArray(Certificate[]::new));
    return keys;
  }

  /** A PKCS#12 keystore, or JKS when the file name ends in {@code .jks}. */
  public static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
    String type = file.toString().toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12";
    KeyStore ks = KeyStore.getInstance(type);
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, password);
    }
    return ks;
  }

  /** Trusted certificates: PEM CA certificates (one or more), or a keystore of them. */
  public static KeyStore trustStore(Path file, char[] password) throws IOException, GeneralSecurityException {
    if (!isPem(file)) {
      return load(file, password);
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    int i = 0;
    for (Certificate c : certificates(file)) {
      trust.setCertificateEntry("ca-" + i++, c);
    }
    if (i == 0) {
      throw new IllegalArgumentException("no certificate in " + file);
    }
    return trust;
  }

  public static KeyManager[] keyManagers(KeyStore keys, char[] password) throws GeneralSecurityException {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    return kmf.getKeyManagers();
  }

  public static TrustManager[] trustManagers(KeyStore trust) throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return tmf.getTrustManagers();
  }

  static boolean isPem(Path file) throws IOException {
    byte[] head = new byte[64];
    try (InputStream in = Files.newInputStream(file)) {
      int n = in.readNBytes(head, 0, head.length);
      return new String(head, 0, n, StandardCharsets.US_ASCII).contains("-----BEGIN");
    }
  }

  static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
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
