package io.erlmcp.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;

/**
 * A tiny MCP server for the TCP and WebSocket transports, on a real socket, with a fixed script:
 * {@code initialize}, {@code ping}, and {@code tools/call} of {@code echo} (answers at once),
 * {@code slow} (never answers), {@code noisy} (sends an invalid line, a progress notification and a {@code roots/list} request
 * first, and answers with the client's roots) and {@code hangup} (drops the connection). The
 * WebSocket side does the RFC 6455 handshake (subprotocol {@code mcp}) and frames by hand.
 */
final class ScriptedPeer implements AutoCloseable {
  interface Wire {
    void send(String text) throws IOException;

    void hangUp() throws IOException;
  }

  private final ServerSocket listener;
  private final boolean websocket;
  volatile String offeredSubprotocol;
  /** The params of every notifications/cancelled received. */
  final java.util.concurrent.BlockingQueue<JsonNode> cancelled = new java.util.concurrent.LinkedBlockingQueue<>();

  ScriptedPeer(boolean websocket) throws IOException {
    this.websocket = websocket;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "scripted-peer");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket s = listener.accept();
        Thread t = new Thread(() -> serve(s), "scripted-peer-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      Map<String, CompletableFuture<JsonNode>> awaiting = new ConcurrentHashMap<>();
      if (websocket) {
        handshake(in, out);
        Wire wire = new Wire() {
          @Override
          public synchronized void send(String text) throws IOException {
            writeFrame(out, text.getBytes(StandardCharsets.UTF_8));
          }

          @Override
          public void hangUp() throws IOException {
            s.close();
          }
        };
        String text;
        while ((text = readFrame(in)) != null) {
          onMessage(text, wire, awaiting);
        }
      } else {
        Wire wire = new Wire() {
          @Override
          public synchronized void send(String text) throws IOException {
            out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
          }

          @Override
          public void hangUp() throws IOException {
            s.close();
          }
        };
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
          onMessage(line, wire, awaiting);
        }
      }
    } catch (IOException e) {
      // connection gone
    }
  }

  private void onMessage(String text, Wire wire, Map<String, CompletableFuture<JsonNode>> awaiting) throws IOException {
    JsonNode m = Json.parse(text);
    if (!m.has("method")) {
      CompletableFuture<JsonNode> f = awaiting.remove(m.path("id").asText());
      if (f != null) {
        f.complete(m.path("result"));
      }
      return;
    }
    if (!m.has("id")) {
      if ("notifications/cancelled".equals(m.path("method").asText())) {
        cancelled.add(m.path("params"));
      }
      return; // notifications
    }
    // requests are answered off the reader thread, so one waiting for the client never blocks it
    Thread t = new Thread(() -> {
      try {
        answer(m, wire, awaiting);
      } catch (IOException e) {
        // connection gone
      }
    }, "scripted-peer-request");
    t.setDaemon(true);
    t.start();
  }

  private void answer(JsonNode m, Wire wire, Map<String, CompletableFuture<JsonNode>> awaiting) throws IOException {
    JsonNode id = m.get("id");
    ObjectNode result = Json.object();
    switch (m.path("method").asText()) {
      case "initialize" -> {
        result.put("protocolVersion", m.path("params").path("protocolVersion").asText());
        result.putObject("capabilities").putObject("tools");
        result.putObject("serverInfo").put("name", "scripted").put("version", "1");
      }
      case "ping" -> {}
      case "tools/call" -> {
        switch (m.path("params").path("name").asText()) {
          case "hangup" -> {
            wire.hangUp();
            return;
          }
          case "slow" -> {
            return; // never answered
          }
          case "noisy" -> {
            wire.send("this is not JSON {");
            ObjectNode p = Json.object();
            p.set("progressToken", m.path("params").path("_meta").path("progressToken"));
            p.put("progress", 1).put("total", 2);
            wire.send(Json.object().put("jsonrpc", "2.0").put("method", "notifications/progress").set("params", p).toString());
            CompletableFuture<JsonNode> roots = new CompletableFuture<>();
            awaiting.put("s1", roots);
            wire.send("{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"method\":\"roots/list\"}");
            JsonNode answer = roots.join();
            result.putArray("content").addObject().put("type", "text").put("text", "roots: " + answer.path("roots"));
          }
          default -> result.putArray("content").addObject().put("type", "text")
              .put("text", m.path("params").path("arguments").path("text").asText());
        }
      }
      default -> {
        wire.send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}");
        return;
      }
    }
    ObjectNode response = Json.object().put("jsonrpc", "2.0");
    response.set("id", id);
    response.set("result", result);
    wire.send(response.toString());
  }

  // ------------------------------------------------------------------ WebSocket by hand

  private void handshake(InputStream in, OutputStream out) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("eof in handshake");
      }
      head.append((char) b);
    }
    String key = null;
    for (String line : head.toString().split("\r\n")) {
      int c = line.indexOf(':');
      if (c > 0) {
        String name = line.substring(0, c).trim().toLowerCase(Locale.ROOT);
        String value = line.substring(c + 1).trim();
        if (name.equals("sec-websocket-key")) {
          key = value;
        } else if (name.equals("sec-websocket-protocol")) {
          offeredSubprotocol = value;
        }
      }
    }
    String accept;
    try {
      accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
          .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + accept + "\r\nSec-WebSocket-Protocol: mcp\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** The next text message (continuation frames joined), or null at close or EOF. */
  private static String readFrame(InputStream in) throws IOException {
    java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
    while (true) {
      int b0 = in.read();
      int b1 = in.read();
      if (b0 < 0 || b1 < 0) {
        return null;
      }
      int opcode = b0 & 0x0f;
      long len = b1 & 0x7f;
      if (len == 126) {
        len = ByteBuffer.wrap(in.readNBytes(2)).getShort() & 0xffff;
      } else if (len == 127) {
        len = ByteBuffer.wrap(in.readNBytes(8)).getLong();
      }
      byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
      byte[] payload = in.readNBytes((int) len);
      if (mask != null) {
        for (int i = 0; i < payload.length; i++) {
          payload[i] ^= mask[i % 4];
        }
      }
      if (opcode == 8) {
        return null;
      }
      if (opcode == 9 || opcode == 10) {
        continue;
      }
      message.write(payload);
      if ((b0 & 0x80) != 0) {
        return message.toString(StandardCharsets.UTF_8);
      }
    }
  }

  private static void writeFrame(OutputStream out, byte[] payload) throws IOException {
    out.write(0x81);
    if (payload.length < 126) {
      out.write(payload.length);
    } else if (payload.length < 65536) {
      out.write(126);
      out.write(ByteBuffer.allocate(2).putShort((short) payload.length).array());
    } else {
      out.write(127);
      out.write(ByteBuffer.allocate(8).putLong(payload.length).array());
    }
    out.write(payload);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
