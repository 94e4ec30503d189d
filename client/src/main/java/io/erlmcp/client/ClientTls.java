package io.erlmcp.client;

import io.erlmcp.runtime.tls.TlsFiles;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * TLS settings of a client beyond the JDK's defaults, for {@code https://}, {@code wss://} and
 * TCP+TLS: whom to trust (PEM CA certificates or a PKCS#12/JKS trust store; default the JDK's
 * trust store) and the client's own certificate for mutual TLS (a PEM chain with its unencrypted
 * PKCS#8 PEM key, or a PKCS#12/JKS keystore; default none). The files are read the same way as
 * the server's {@code --tls-*} files.
 *
 * <pre>{@code
 * ClientTls tls = ClientTls.DEFAULT.trust(Path.of("ca.pem")).certificate(Path.of("client.pem"), Path.of("client-key.pem"));
 * McpClient.http("https://mcp.example:8443/mcp", tls).build();
 * }</pre>
 */
public record ClientTls(
    Path trustFile,
    String trustPassword,
    Path certFile,
    Path keyFile,
    Path keystore,
    String keystorePassword) {

  /** The JDK's defaults: its trust store, no client certificate. */
  public static final ClientTls DEFAULT = new ClientTls(null, "", null, null, null, "");

  /** Trusts the PEM CA certificates (or the PKCS#12 store, password empty) in {@code file} instead of the JDK's. */
  public ClientTls trust(Path file) {
    return trust(file, "");
  }

  /** Trusts the certificates of the PEM file or PKCS#12/JKS store {@code file} instead of the JDK's. */
  public ClientTls trust(Path file, String password) {
    return new ClientTls(Objects.requireNonNull(file), password, certFile, keyFile, keystore, keystorePassword);
  }

  /** Presents the PEM certificate chain {@code cert} with its PKCS#8 PEM key {@code key} (mutual TLS). */
  public ClientTls certificate(Path cert, Path key) {
    return new ClientTls(trustFile, trustPassword, Objects.requireNonNull(cert), Objects.requireNonNull(key), null, "");
  }

  /** Presents the key and certificate in the PKCS#12 (or {@code .jks}) keystore {@code file} (mutual TLS). */
  public ClientTls keystore(Path file, String password) {
    return new ClientTls(trustFile, trustPassword, null, null, Objects.requireNonNull(file), password);
  }

  /** Whether these are the JDK's defaults (then the transports use the JDK's default context). */
  public boolean isDefault() {
    return trustFile == null && certFile == null && keystore == null;
  }

  /** {@code b} with this context, unless these are the defaults (then the JDK's is kept). */
  public HttpClient.Builder applyTo(HttpClient.Builder b) {
    return isDefault() ? b : b.sslContext(context());
  }

  /**
   * The SSL context; a missing or unreadable file fails here with {@link IllegalArgumentException}
   * naming it, before anything is sent.
   */
  public SSLContext context() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      KeyStore keys = null;
      char[] keyPassword = new char[0];
      if (certFile != null) {
        keys = TlsFiles.pemKeyStore(certFile, keyFile);
      } else if (keystore != null) {
        keyPassword = keystorePassword.toCharArray();
        keys = TlsFiles.load(keystore, keyPassword);
      }
      ctx.init(
          keys == null ? null : TlsFiles.keyManagers(keys, keyPassword),
          trustFile == null ? null : TlsFiles.trustManagers(TlsFiles.trustStore(trustFile, trustPassword.toCharArray())),
          null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up client TLS: " + e.getMessage(), e);
    }
  }
}
