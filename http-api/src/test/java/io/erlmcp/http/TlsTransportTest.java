package io.erlmcp.http;

import static io.erlmcp.transport.Mcp.toolCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.erlmcp.runtime.Json;
import io.erlmcp.transport.LineClient;
import io.erlmcp.transport.Mcp;
import io.erlmcp.transport.TestCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.Security;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS on the HTTP listener (Streamable HTTP, WebSocket; keystore) and the TCP listener (PEM
 * certificate and key, client certificates required), with certificates made at test time and
 * real TLS clients. Protocols below TLS 1.2 are refused by the server itself: the test JVM's own
 * ban on old protocols is lifted (src/test/resources/tls-test.security, loaded by surefire) so
 * that the client really offers TLS 1.1.
 */
class TlsTransportTest {
  private static TestNode node;
  private static TestCertificates pki;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    assertEquals(
        "",
        Security.getProperty("jdk.tls.disabledAlgorithms").trim(),
        "run with -Djava.security.properties=src/test/resources/tls-test.security (surefire does)");
    dir = TestNode.tempDir();
    pki = TestCertificates.create(dir.resolve("pki"));
    String p = TestCertificates.PASSWORD;
    node =
        TestNode.startWithTcp(
            "tls-test",
            "erlmcp.http.tls.keystore = \"" + path("server.p12") + "\"\n"
                + "erlmcp.http.tls.keystore-password = " + p + "\n"
                + "erlmcp.tcp.tls.cert-file = \"" + path("server-cert.pem") + "\"\n"
                + "erlmcp.tcp.tls.key-file = \"" + path("server-key.pem") + "\"\n"
                + "erlmcp.tcp.tls.trust-file = \"" + path("ca.pem") + "\"\n");
  }

  private static String path(String file) throws Exception {
    return pki.file(file).toString().replace("\\", "/");
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    TestNode.deleteTree(dir);
  }

  private static int httpPort() {
    return node.uri.getPort();
  }

  @Test
  void streamableHttpOverHttps() throws Exception {
    HttpClient https = HttpClient.newBuilder().sslContext(pki.clientContext(false, "TLS")).build();
    HttpResponse<String> r =
        https.send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpPort() + "/mcp"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(Mcp.initialize(1, "https-client")))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Mcp-Session-Id").isPresent());
    assertEquals("2025-11-25", Json.parse(r.body()).path("result").path("protocolVersion").asText());
  }

  @Test
  void webSocketOverTls() throws Exception {
    HttpClient https = HttpClient.newBuilder().sslContext(pki.clientContext(false, "TLS")).build();
    try (WsClient c =
        WsClient.connect(https, URI.create("wss://127.0.0.1:" + httpPort() + "/ws"))) {
      c.send(Mcp.initialize(0, "wss-client"));
      assertTrue(c.response(0).has("result"));
      c.send(Mcp.INITIALIZED);
      c.send(toolCall(1, "echo", Json.object().put("text", "wss")));
      assertEquals("wss", TestServer.textOf(c.response(1)).asText());
    }
  }

  @Test
  void plainHttpToTheTlsListenerGetsNoMcp() {
    HttpClient plain = HttpClient.newHttpClient();
    assertThrows(
        java.io.IOException.class,
        () ->
            plain.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/mcp"))
                    .timeout(java.time.Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(Mcp.initialize(1, "plain")))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void tcpOverTlsWithAClientCertificate() throws Exception {
    SSLSocket s =
        (SSLSocket) pki.clientContext(true, "TLS").getSocketFactory().createSocket("127.0.0.1", node.tcpPort());
    s.startHandshake();
    assertTrue(s.getSession().getProtocol().equals("TLSv1.3") || s.getSession().getProtocol().equals("TLSv1.2"));
    try (LineClient c = new LineClient(s, true)) {
      c.initialize("tcp-tls");
      c.send(toolCall(1, "echo", Json.object().put("text", "tls line")));
      assertEquals("tls line", TestServer.textOf(c.response(1)).asText());
    }
  }

  @Test
  void tcpOverTlsWithoutAClientCertificateIsRefused() throws Exception {
    SSLSocket s =
        (SSLSocket) pki.clientContext(false, "TLS").getSocketFactory().createSocket("127.0.0.1", node.tcpPort());
    try (LineClient c = new LineClient(s, false)) {
      // TLS 1.3: the server checks the (missing) certificate after the client's side is done;
      // the refusal shows on the first read at the latest.
      Exception e =
          assertThrows(
              Exception.class,
              () -> {
                s.startHandshake();
                c.send(Mcp.initialize(0, "no-cert"));
                int b = s.getInputStream().read();
                if (b < 0) {
                  throw new java.io.EOFException("closed without an answer");
                }
              });
      assertTrue(
          e instanceof javax.net.ssl.SSLException || e instanceof java.io.IOException, e.toString());
    }
  }

  @Test
  void listenerEnginesEnableOnlyTls13And12() throws Exception {
    io.erlmcp.transport.TlsSettings tls =
        io.erlmcp.transport.TlsSettings.from(node.node.core().config(), "erlmcp.tcp.tls").orElseThrow();
    javax.net.ssl.SSLEngine engine = tls.engine(tls.context());
    assertEquals(java.util.List.of("TLSv1.3", "TLSv1.2"), java.util.List.of(engine.getEnabledProtocols()));
    assertTrue(engine.getNeedClientAuth());
  }

  @Test
  void tls11IsRefusedAndTls12Accepted() throws Exception {
    SSLContext ctx = pki.clientContext(false, "TLS");
    try (SSLSocket old = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", httpPort())) {
      old.setEnabledProtocols(new String[] {"TLSv1.1"});
      SSLHandshakeException e = assertThrows(SSLHandshakeException.class, old::startHandshake);
      // the server's protocol_version alert, not a client that would not even try
      assertTrue(String.valueOf(e.getMessage()).contains("protocol_version"), e.toString());
    }
    try (SSLSocket v12 = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", httpPort())) {
      v12.setEnabledProtocols(new String[] {"TLSv1.2"});
      v12.startHandshake();
      assertEquals("TLSv1.2", v12.getSession().getProtocol());
    }
  }

}
