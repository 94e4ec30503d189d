package io.erlmcp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.client.ClientTls;
import io.erlmcp.client.McpClient;
import io.erlmcp.client.McpErrorException;
import io.erlmcp.client.McpException;
import io.erlmcp.client.RequestOptions;
import io.erlmcp.client.transport.LegacySseTransport;
import io.erlmcp.client.transport.StdioTransport;
import io.erlmcp.client.transport.StreamableHttpTransport;
import io.erlmcp.client.transport.TcpTransport;
import io.erlmcp.client.transport.WebSocketTransport;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code erlmcp client}: one MCP request (or a short sequence) from the command line, through the
 * client SDK. Prints the result as JSON on stdout; exit 0 on success, 1 when the server answered
 * with an error or could not be reached, 2 on bad usage.
 */
@Command(
    name = "client",
    mixinStandardHelpOptions = true,
    description = {
      "Connect to an MCP server and run one action; print the result as JSON.",
      "Actions: info, ping, tools/list, call TOOL, resources/list, resources/templates/list,",
      "read URI, prompts/list, get PROMPT, request METHOD (with --params).",
      "Examples:",
      "  erlmcp client --url http://127.0.0.1:8080/mcp tools/list",
      "  erlmcp client --url http://127.0.0.1:8080/mcp call add --args '{\"a\":1,\"b\":2}'",
      "  erlmcp client --stdio 'bin/erlmcp serve --stdio' read hello://greeting",
      "  erlmcp client --url https://127.0.0.1:8443/mcp --tls-trust ca.pem --tls-cert me.pem --tls-key me-key.pem ping",
      "Exit 0 ok, 1 MCP or transport error (or a tool result with isError), 2 usage."
    })
final class ClientCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  static final class Target {
    @Option(names = "--url", paramLabel = "URL", description = "Streamable HTTP endpoint, e.g. http://127.0.0.1:8080/mcp.")
    String url;

    @Option(names = "--stdio", paramLabel = "COMMAND", description = "Spawn this server command (split at spaces) and speak MCP on its stdio.")
    String stdio;

    @Option(names = "--sse", paramLabel = "URL", description = "Legacy HTTP+SSE (2024-11-05) SSE endpoint.")
    String sse;

    @Option(names = "--ws", paramLabel = "URL", description = "WebSocket endpoint, e.g. ws://127.0.0.1:8080/ws.")
    String ws;

    @Option(names = "--tcp", paramLabel = "HOST:PORT", description = "TCP (newline-delimited JSON).")
    String tcp;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  @Option(
      names = "--protocol-version",
      paramLabel = "REVISION",
      description = "Revision to ask for: 2024-11-05, 2025-03-26, 2025-06-18, 2025-11-25 (default) or 2026-07-28 (stateless).")
  String protocolVersion;

  @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS", description = "Request timeout (default 60).")
  int timeoutSeconds;

  @Option(names = "--header", paramLabel = "NAME=VALUE", description = "Extra HTTP header (repeatable), e.g. Authorization=Bearer x.")
  List<String> headers = new ArrayList<>();

  @Option(names = "--args", paramLabel = "JSON", description = "Arguments of call/get, a JSON object.")
  String args;

  @Option(names = "--params", paramLabel = "JSON", description = "Params of request, a JSON object.")
  String params;

  @Option(names = "--progress", description = "Print progress notifications on stderr.")
  boolean progress;

  @Option(names = "--tls", description = "With --tcp: TCP+TLS (https:// and wss:// URLs are TLS anyway). Implied by the other --tls-* options.")
  boolean tls;

  @Option(names = "--tls-trust", paramLabel = "FILE", description = "Trust these PEM CA certificates (or this PKCS#12/JKS store, password from ERLMCP_TLS_TRUST_PASSWORD) instead of the JDK's.")
  Path tlsTrust;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "Client certificate (PEM chain) for mutual TLS, with --tls-key.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "Unencrypted PKCS#8 PEM key of --tls-cert.")
  Path tlsKey;

  @Option(names = "--tls-keystore", paramLabel = "FILE", description = "Client key and certificate as a PKCS#12 (or .jks) keystore, instead of --tls-cert/--tls-key; password from ERLMCP_TLS_KEYSTORE_PASSWORD.")
  Path tlsKeystore;

  @Option(names = "--server-stderr", description = "With --stdio: copy the server's stderr to ours (otherwise only its last lines are shown, when it dies).")
  boolean serverStderr;

  @Parameters(index = "0", paramLabel = "ACTION", description = "What to do (see above).")
  String action;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "Tool, prompt, URI or method.")
  String name;

  @Override
  public Integer call() {
    ObjectNode argsJson = object("--args", args);
    ObjectNode paramsJson = object("--params", params);
    McpClient.Builder b = builder(spec, target, headerMap(spec, headers), clientTls(), serverStderr);
    if (protocolVersion != null) {
      b.protocolVersion(
          ProtocolVersion.parse(protocolVersion)
              .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(), "unknown revision " + protocolVersion)));
    }
    b.requestTimeout(Duration.ofSeconds(timeoutSeconds))
        .onLog(m -> System.err.println("[" + m.level().wireName() + "] " + (m.logger() == null ? "" : m.logger() + ": ") + m.data()));
    RequestOptions opts =
        progress
            ? RequestOptions.progress(p -> System.err.println("progress " + p.progress() + (Double.isNaN(p.total()) ? "" : "/" + p.total()) + (p.message() == null ? "" : " " + p.message())))
            : RequestOptions.DEFAULT;
    try (McpClient client = b.build()) {
      JsonNode out;
      var info = client.connect().join();
      out =
          switch (action) {
            case "info" -> {
              ObjectNode o = Json.object().put("protocolVersion", info.protocolVersion().id());
              o.set("serverInfo", info.serverInfo());
              o.set("capabilities", info.capabilities());
              if (info.instructions() != null) {
                o.put("instructions", info.instructions());
              }
              if (info.sessionId() != null) {
                o.put("sessionId", info.sessionId());
              }
              yield o;
            }
            case "ping" -> client.ping().join();
            case "tools/list" -> client.listTools().join();
            case "call" -> client.callTool(need("TOOL"), argsJson, opts).join();
            case "resources/list" -> client.listResources().join();
            case "resources/templates/list" -> client.listResourceTemplates().join();
            case "read" -> client.readResource(need("URI")).join();
            case "prompts/list" -> client.listPrompts().join();
            case "get" -> {
              Map<String, String> a = new LinkedHashMap<>();
              argsJson.properties().forEach(e -> a.put(e.getKey(), e.getValue().asText()));
              yield client.getPrompt(need("PROMPT"), a).join();
            }
            case "request" -> client.request(need("METHOD"), paramsJson, opts).join();
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "unknown action " + action);
          };
      System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out));
      // a tool that failed is printed (its content says why) and is an error for scripts
      return out.path("isError").asBoolean(false) ? 1 : 0;
    } catch (CompletionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      if (c instanceof McpErrorException me) {
        System.err.println("erlmcp client: error " + me.code() + ": " + me.error().message() + (me.data() == null ? "" : " " + me.data()));
      } else if (c instanceof McpException) {
        System.err.println("erlmcp client: " + c.getMessage());
      } else {
        System.err.println("erlmcp client: " + c);
      }
      return 1;
    } catch (JsonProcessingException e) {
      System.err.println("erlmcp client: " + e.getMessage());
      return 1;
    }
  }

  private String need(String what) {
    if (name == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), action + " needs " + what);
    }
    return name;
  }

  private ObjectNode object(String option, String json) {
    if (json == null) {
      return Json.object();
    }
    try {
      JsonNode n = Json.MAPPER.readTree(json);
      if (n instanceof ObjectNode o) {
        return o;
      }
    } catch (JsonProcessingException e) {
      // reported below
    }
    throw new CommandLine.ParameterException(spec.commandLine(), option + " must be a JSON object: " + json);
  }

  static Map<String, String> headerMap(CommandLine.Model.CommandSpec spec, List<String> headers) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String h : headers) {
      int eq = h.indexOf('=');
      if (eq <= 0) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--header needs NAME=VALUE: " + h);
      }
      m.put(h.substring(0, eq), h.substring(eq + 1));
    }
    return m;
  }

  /** The --tls-* options as ClientTls: null when none is given (plain TCP, the JDK's defaults for https/wss). */
  private ClientTls clientTls() {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
    }
    if (tlsCert != null && tlsKeystore != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "use --tls-cert/--tls-key or --tls-keystore, not both");
    }
    if (!tls && tlsTrust == null && tlsCert == null && tlsKeystore == null) {
      return null;
    }
    String url = target.url != null ? target.url : target.sse != null ? target.sse : target.ws;
    boolean secureUrl = url != null && (url.startsWith("https://") || url.startsWith("wss://"));
    if (target.tcp == null && !secureUrl) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--tls options need an https:// or wss:// URL, or --tcp");
    }
    for (Path f : new Path[] {tlsTrust, tlsCert, tlsKey, tlsKeystore}) {
      if (f != null && !Files.isReadable(f)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "cannot read " + f);
      }
    }
    ClientTls t = ClientTls.DEFAULT;
    if (tlsTrust != null) {
      t = t.trust(tlsTrust, envOr("ERLMCP_TLS_TRUST_PASSWORD"));
    }
    if (tlsCert != null) {
      t = t.certificate(tlsCert, tlsKey);
    }
    if (tlsKeystore != null) {
      t = t.keystore(tlsKeystore, envOr("ERLMCP_TLS_KEYSTORE_PASSWORD"));
    }
    try {
      t.context(); // a bad file is reported now, naming it, before anything connects
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    return t;
  }

  private static String envOr(String name) {
    String v = System.getenv(name);
    return v == null ? "" : v;
  }

  static McpClient.Builder builder(
      CommandLine.Model.CommandSpec spec, Target t, Map<String, String> headers, ClientTls tls, boolean serverStderr) {
    ClientTls https = tls == null ? ClientTls.DEFAULT : tls;
    if (t.url != null) {
      return McpClient.builder(new StreamableHttpTransport(URI.create(t.url), headers, true, https));
    }
    if (t.sse != null) {
      return McpClient.builder(new LegacySseTransport(URI.create(t.sse), headers, https)).protocolVersion(ProtocolVersion.V2024_11_05);
    }
    if (t.ws != null) {
      return McpClient.builder(new WebSocketTransport(URI.create(t.ws), headers, https));
    }
    if (t.tcp != null) {
      int colon = t.tcp.lastIndexOf(':');
      if (colon <= 0) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--tcp needs HOST:PORT");
      }
      try {
        return McpClient.builder(new TcpTransport(t.tcp.substring(0, colon), Integer.parseInt(t.tcp.substring(colon + 1)), tls));
      } catch (NumberFormatException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--tcp needs HOST:PORT: " + t.tcp);
      }
    }
    List<String> cmd = List.of(t.stdio.trim().split("\\s+"));
    return McpClient.builder(new StdioTransport(cmd, Map.of(), null, serverStderr));
  }
}
