package io.erlmcp.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The command a user runs: {@code bin/erlmcp serve --http --tcp --tls-cert --tls-key} with a
 * certificate made by openssl at test time, reached over HTTPS (Streamable HTTP), WSS and TCP+TLS
 * by real clients; and the flag checks of the TLS options.
 */
@Tag("interop")
class TransportsCliInteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INIT =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
          + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"cli-interop\",\"version\":\"1\"}}}";
  private static Process server;
  private static Path log;
  private static Path dir;
  private static int httpPort;
  private static int tcpPort;
  private static SSLContext trustingTheCert;

  @BeforeAll
  static void start() throws Exception {
    dir = ErlmcpServer.newDataDir("transports-cli");
    log = ErlmcpServer.newLogFile("transports-cli");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    ErlmcpServer.runTool(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
        "-keyout", key.toString(), "-out", cert.toString()));
    trustingTheCert = trusting(cert);
    httpPort = ErlmcpServer.freePort();
    tcpPort = ErlmcpServer.freePort();
    List<String> cmd =
        List.of(ErlmcpServer.erlmcpCommand(), "serve", "--http", "127.0.0.1:" + httpPort,
            "--tcp", "127.0.0.1:" + tcpPort, "--journal", "embedded", "--data-dir",
            dir.resolve("data").toString(), "--management", "off", "--metrics", "off",
            "--tls-cert", cert.toString(), "--tls-key", key.toString());
    server = ErlmcpServer.launchServing(cmd, log);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static SSLContext trusting(Path certPem) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(certPem)) {
      ks.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void theStartLineNamesEveryListener() throws Exception {
    String text = Files.readString(log);
    assertTrue(text.contains("https://127.0.0.1:" + httpPort + "/mcp"), text);
    assertTrue(text.contains("wss://127.0.0.1:" + httpPort + "/ws"), text);
    assertTrue(text.contains("tcp+tls://127.0.0.1:" + tcpPort), text);
  }

  @Test
  void streamableHttpOverHttps() throws Exception {
    HttpResponse<String> r =
        HttpClient.newBuilder()
            .sslContext(trustingTheCert)
            .build()
            .send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpPort + "/mcp"))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(INIT))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("erlmcp-hello", JSON.readTree(r.body()).path("result").path("serverInfo").path("name").asText());
  }

  @Test
  void webSocketOverTls() throws Exception {
    java.util.concurrent.CompletableFuture<String> first = new java.util.concurrent.CompletableFuture<>();
    java.net.http.WebSocket ws =
        HttpClient.newBuilder()
            .sslContext(trustingTheCert)
            .build()
            .newWebSocketBuilder()
            .subprotocols("mcp")
            .buildAsync(
                URI.create("wss://127.0.0.1:" + httpPort + "/ws"),
                new java.net.http.WebSocket.Listener() {
                  private final StringBuilder sb = new StringBuilder();

                  @Override
                  public java.util.concurrent.CompletionStage<?> onText(
                      java.net.http.WebSocket w, CharSequence data, boolean last) {
                    sb.append(data);
                    if (last) {
                      first.complete(sb.toString());
                    }
                    w.request(1);
                    return null;
                  }
                })
            .join();
    try {
      assertEquals("mcp", ws.getSubprotocol());
      ws.sendText(INIT, true).join();
      JsonNode r = JSON.readTree(first.get(30, TimeUnit.SECONDS));
      assertEquals("2025-11-25", r.path("result").path("protocolVersion").asText(), r.toString());
    } finally {
      ws.abort();
    }
  }

  @Test
  void tcpOverTls() throws Exception {
    try (SSLSocket s =
        (SSLSocket) trustingTheCert.getSocketFactory().createSocket("127.0.0.1", tcpPort)) {
      OutputStream out = s.getOutputStream();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      out.write((INIT + "\n").getBytes(StandardCharsets.UTF_8));
      out.write(
          ("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
                  + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                  + "\"echo\",\"arguments\":{\"message\":\"over tls\"}}}\n")
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      assertEquals(1, JSON.readTree(in.readLine()).path("id").asInt());
      JsonNode echo = JSON.readTree(in.readLine());
      assertEquals(2, echo.path("id").asInt(), echo.toString());
      assertTrue(echo.toString().contains("over tls"), echo.toString());
    }
  }

  @Test
  void aTlsCertificateWithoutItsKeyIsAUsageError() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ErlmcpServer.erlmcpCommand(), "serve", "--tcp",
        "127.0.0.1:0", "--tls-cert", dir.resolve("cert.pem").toString()));
    Process p =
        new ProcessBuilder(cmd).directory(ErlmcpServer.repoRoot().toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue(), out);
    assertTrue(out.contains("--tls-cert and --tls-key go together"), out);
  }
}
