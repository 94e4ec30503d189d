package io.erlmcp.transport;

import com.typesafe.config.Config;
import io.erlmcp.runtime.tls.TlsFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

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
        keys = TlsFiles.pemKeyStore(certFile, keyFile);
        keyPassword = new char[0];
      } else {
        keyPassword = keystorePassword.toCharArray();
        keys = TlsFiles.load(keystore, keyPassword);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(
          TlsFiles.keyManagers(keys, keyPassword),
          trustFile == null ? null : TlsFiles.trustManagers(TlsFiles.trustStore(trustFile, trustPassword.toCharArray())),
          null);
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
}
