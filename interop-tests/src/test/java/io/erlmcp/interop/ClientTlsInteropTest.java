package io.erlmcp.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.erlmcp.client.ClientTls;
import io.erlmcp.client.McpClient;
import io.erlmcp.client.McpTransportException;
import io.erlmcp.runtime.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client SDK's TLS settings ({@link ClientTls}) against {@code bin/erlmcp serve --http --tcp
 * --tls-cert --tls-key --tls-trust --tls-client-auth need}, with certificates made by openssl at
 * test time: a trusted server certificate and a client certificate (PEM, and as PKCS#12) over
 * HTTPS, WSS and TCP+TLS; without the client certificate, or without trusting the server, the
 * connection is refused with {@link McpTransportException}. And the same through {@code
 * bin/erlmcp client --tls-*}.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientTlsInteropTest {
  private static final String PASSWORD = "changeit";
  private Process server;
  private Path log;
  private Path dir;
  private int httpPort;
  private int tcpPort;

  @BeforeAll
  void start() throws Exception {
    dir = ErlmcpServer.newDataDir("client-tls");
    log = ErlmcpServer.newLogFile("client-tls");
    selfSigned("server", "/CN=localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    selfSigned("client", "/CN=erlmcp test client", "extendedKeyUsage=clientAuth");
    ErlmcpServer.runTool(List.of("openssl", "pkcs12", "-export", "-in", f("client.pem"), "-inkey", f("client-key.pem"),
        "-out", f("client.p12"), "-passout", "pass:" + PASSWORD));
    httpPort = ErlmcpServer.freePort();
    tcpPort = ErlmcpServer.freePort();
    List<String> cmd =
        List.of(ErlmcpServer.erlmcpCommand(), "serve", "--http", "127.0.0.1:" + httpPort,
            "--tcp", "127.0.0.1:" + tcpPort, "--journal", "embedded", "--data-dir", f("data"),
            "--management", "off", "--metrics", "off",
            "--tls-cert", f("server.pem"), "--tls-key", f("server-key.pem"),
            "--tls-trust", f("client.pem"), "--tls-client-auth", "need");
    server = ErlmcpServer.launchServing(cmd, log);
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private String f(String name) {
    return dir.resolve(name).toString();
  }

  private void selfSigned(String name, String subject, String ext) throws Exception {
    ErlmcpServer.runTool(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", subject, "-addext", ext, "-keyout", f(name + "-key.pem"), "-out", f(name + ".pem")));
  }

  private McpClient.Builder client(String transport, ClientTls tls) {
    McpClient.Builder b =
        switch (transport) {
          case "https" -> McpClient.http("https://127.0.0.1:" + httpPort + "/mcp", tls);
          case "wss" -> McpClient.websocket("wss://127.0.0.1:" + httpPort + "/ws", tls);
          case "tcp+tls" -> McpClient.tcp("127.0.0.1", tcpPort, tls);
          default -> throw new IllegalArgumentException(transport);
        };
    return b.requestTimeout(Duration.ofSeconds(20));
  }

  private ClientTls trustingTheServer() {
    return ClientTls.DEFAULT.trust(dir.resolve("server.pem"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"https", "wss", "tcp+tls"})
  void theClientCertificateAsPemIsAccepted(String transport) {
    ClientTls tls = trustingTheServer().certificate(dir.resolve("client.pem"), dir.resolve("client-key.pem"));
    try (McpClient c = client(transport, tls).build()) {
      assertEquals("erlmcp-hello", c.connect().join().name());
      String text = c.callTool("echo", Json.object().put("message", "over " + transport)).join().path("content").get(0).path("text").asText();
      assertTrue(text.contains("over " + transport), text);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"https", "wss", "tcp+tls"})
  void theClientCertificateInAKeystoreIsAccepted(String transport) {
    ClientTls tls = trustingTheServer().keystore(dir.resolve("client.p12"), PASSWORD);
    try (McpClient c = client(transport, tls).build()) {
      assertEquals("erlmcp-hello", c.connect().join().name());
      assertTrue(c.ping().join().isObject());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"https", "wss", "tcp+tls"})
  void withoutAClientCertificateTheServerRefuses(String transport) {
    try (McpClient c = client(transport, trustingTheServer()).build()) {
      CompletionException e = assertThrows(CompletionException.class, () -> c.connect().join());
      McpTransportException t = assertInstanceOf(McpTransportException.class, e.getCause(), String.valueOf(e.getCause()));
      assertTrue(t.getMessage().contains(transport.startsWith("tcp") ? "tcp+tls" : transport.equals("wss") ? "ws" : "http"), t.getMessage());
      // the reason the server gave: its TLS alert (TLS 1.3: certificate_required; 1.2: bad_certificate)
      assertTrue(t.getMessage().contains("certificate") || t.getMessage().contains("handshake"), t.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"https", "wss", "tcp+tls"})
  void withTheJdkTrustStoreTheServerIsNotTrusted(String transport) {
    ClientTls tls = ClientTls.DEFAULT.certificate(dir.resolve("client.pem"), dir.resolve("client-key.pem"));
    try (McpClient c = client(transport, tls).build()) {
      CompletionException e = assertThrows(CompletionException.class, () -> c.connect().join());
      McpTransportException t = assertInstanceOf(McpTransportException.class, e.getCause(), String.valueOf(e.getCause()));
      assertTrue(t.getMessage().contains("PKIX") || t.getMessage().contains("certification path"), t.getMessage());
    }
  }

  @Test
  void anUnreadableKeyIsReportedBeforeConnecting() {
    ClientTls tls = trustingTheServer().certificate(dir.resolve("client.pem"), dir.resolve("client.pem"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, tls::context);
    assertTrue(e.getMessage().contains("PKCS#8"), e.getMessage());
  }

  @Test
  void theCommandLineClientTakesTheSameSettings() throws Exception {
    List<String> base =
        new ArrayList<>(List.of(ErlmcpServer.erlmcpCommand(), "client", "--url", "https://127.0.0.1:" + httpPort + "/mcp",
            "--tls-trust", f("server.pem")));
    List<String> withCert = new ArrayList<>(base);
    withCert.addAll(List.of("--tls-cert", f("client.pem"), "--tls-key", f("client-key.pem"), "ping"));
    assertEquals(0, exit(withCert), ErlmcpServer.tail(dir.resolve("cli.log"), 20));
    List<String> tcp =
        List.of(ErlmcpServer.erlmcpCommand(), "client", "--tcp", "127.0.0.1:" + tcpPort, "--tls-trust", f("server.pem"),
            "--tls-keystore", f("client.p12"), "ping");
    assertEquals(0, exit(tcp), ErlmcpServer.tail(dir.resolve("cli.log"), 20));
    List<String> without = new ArrayList<>(base);
    without.add("ping");
    assertEquals(1, exit(without), ErlmcpServer.tail(dir.resolve("cli.log"), 20));
    assertTrue(Files.readString(dir.resolve("cli.log")).contains("erlmcp client:"), ErlmcpServer.tail(dir.resolve("cli.log"), 20));
    List<String> plain = List.of(ErlmcpServer.erlmcpCommand(), "client", "--url", "http://127.0.0.1:1/mcp", "--tls-trust", f("server.pem"), "ping");
    assertEquals(2, exit(plain));
  }

  private int exit(List<String> cmd) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(ErlmcpServer.repoRoot().toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("cli.log").toFile());
    pb.environment().put("ERLMCP_TLS_KEYSTORE_PASSWORD", PASSWORD);
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    return p.exitValue();
  }
}
