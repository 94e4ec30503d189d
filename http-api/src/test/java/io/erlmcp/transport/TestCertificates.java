package io.erlmcp.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway PKI made at test time with the JDK's keytool: a CA, a server certificate for
 * 127.0.0.1/localhost and a client certificate, both signed by the CA. Files in {@code dir}:
 * {@code ca.pem}; {@code server.p12} (chain + key) and its PEM twins {@code server-cert.pem},
 * {@code server-key.pem} (PKCS#8); {@code client.p12}. Store password {@link #PASSWORD}.
 */
public final class TestCertificates {
  public static final String PASSWORD = "changeit";
  public final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  public static TestCertificates create(Path dir) throws Exception {
    Files.createDirectories(dir);
    TestCertificates c = new TestCertificates(dir);
    c.keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname",
        "CN=erlmcp test CA", "-ext", "bc:c", "-validity", "2", "-keystore", "ca.p12");
    c.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
    c.leaf("server", "CN=localhost", "san=ip:127.0.0.1,dns:localhost", "serverAuth");
    c.leaf("client", "CN=erlmcp test client", null, "clientAuth");
    // PEM twins of the server's chain and key, as an operator would have them
    Files.writeString(
        dir.resolve("server-cert.pem"),
        Files.readString(dir.resolve("server.crt")) + Files.readString(dir.resolve("ca.pem")));
    KeyStore ks = c.keystore("server.p12");
    byte[] key = ks.getKey("server", PASSWORD.toCharArray()).getEncoded();
    Files.writeString(dir.resolve("server-key.pem"), io.erlmcp.runtime.tls.TlsFiles.pem("PRIVATE KEY", key));
    return c;
  }

  private void leaf(String name, String dname, String san, String eku) throws Exception {
    String store = name + ".p12";
    keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-dname", dname,
        "-validity", "2", "-keystore", store);
    keytool("-certreq", "-alias", name, "-keystore", store, "-file", name + ".csr");
    List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore",
        "ca.p12", "-infile", name + ".csr", "-outfile", name + ".crt", "-validity", "2", "-ext",
        "eku=" + eku));
    if (san != null) {
      sign.add("-ext");
      sign.add(san);
    }
    keytool(sign.toArray(String[]::new));
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", store);
    keytool("-importcert", "-alias", name, "-file", name + ".crt", "-keystore", store);
  }

  private void keytool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-storepass", PASSWORD, "-storetype", "PKCS12"));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }

  public KeyStore keystore(String file) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve(file))) {
      ks.load(in, PASSWORD.toCharArray());
    }
    return ks;
  }

  /** A client context trusting the test CA, with the client certificate when {@code withCert}. */
  public SSLContext clientContext(boolean withCert, String protocol) throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", keystore("ca.p12").getCertificate("ca"));
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (withCert) {
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keystore("client.p12"), PASSWORD.toCharArray());
    }
    SSLContext ctx = SSLContext.getInstance(protocol);
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  public Path file(String name) throws IOException {
    return dir.resolve(name);
  }
}
