package io.erlmcp.http;

import io.erlmcp.actors.Core;
import io.erlmcp.transport.ListenerStoppedException;
import io.erlmcp.transport.McpEdge;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;

/**
 * The HTTP listener as a behavior of the transports branch: {@code starting} binds (result back
 * through {@code pipeToSelf}), {@code running} holds the binding and unbinds when stopped. A bind
 * failure (port in use) is reported to whoever waits on {@code bound} and stops the listener; so
 * is a stop before the bind answered ({@link ListenerStoppedException}: the node is shutting down).
 */
public final class HttpTransport {
  private HttpTransport() {}

  public sealed interface Command {}

  private record Bound(ServerBinding binding) implements Command {}

  private record BindFailed(Throwable cause) implements Command {}

  public static Behavior<Command> create(
      Core core, McpEdge edge, HttpSettings settings, CompletableFuture<InetSocketAddress> bound) {
    return create(core, edge, settings, bound, ws -> {});
  }

  /** What a listener serves besides Streamable HTTP (tests look at their counters). */
  public record Endpoints(WebSocketEndpoint webSocket, LegacySse legacySse) {}

  /** As above; {@code endpoints} is given the listener's other endpoints (for tests). */
  public static Behavior<Command> create(
      Core core,
      McpEdge edge,
      HttpSettings settings,
      CompletableFuture<InetSocketAddress> bound,
      java.util.function.Consumer<Endpoints> endpoints) {
    return Behaviors.setup(
        ctx -> {
          Materializer mat = Materializer.createMaterializer(ctx.getSystem());
          StreamableHttp mcp = new StreamableHttp(edge, settings, mat);
          WebSocketEndpoint ws =
              new WebSocketEndpoint(
                  edge, settings, WebSocketSettings.from(core.config()), mat);
          LegacySse legacy =
              new LegacySse(edge, settings, LegacySseSettings.from(core.config()), mat);
          endpoints.accept(new Endpoints(ws, legacy));
          // Legacy SSE first: it takes only GETs without a session and POSTs with ?sessionId=.
          Route route = legacy.route().orElse(mcp.route()).orElse(ws.route());
          java.util.Optional<io.erlmcp.transport.TlsSettings> tls =
              io.erlmcp.transport.TlsSettings.from(core.config(), "erlmcp.http.tls");
          java.util.concurrent.CompletionStage<ServerBinding> binding;
          try {
            // No Pekko HTTP request timeout: erlmcp answers every request within its own
            // deadlines (erlmcp.protocol.tool-timeout, the session store's write and ask
            // timeouts), so Pekko's (20 s by default) would only cut a slow tool call answered
            // as JSON short with a bare 503, and it costs a scheduler task per request, which
            // lives its 20 s and is promoted by the garbage collector (docs/benchmarks.md).
            org.apache.pekko.http.javadsl.settings.ServerSettings serverSettings =
                org.apache.pekko.http.javadsl.settings.ServerSettings.create(
                    ctx.getSystem().classicSystem());
            serverSettings =
                serverSettings.withTimeouts(
                    serverSettings
                        .getTimeouts()
                        .withRequestTimeout(scala.concurrent.duration.Duration.Inf()));
            org.apache.pekko.http.javadsl.ServerBuilder server =
                Http.get(ctx.getSystem())
                    .newServerAt(settings.host(), settings.port())
                    .withSettings(serverSettings);
            if (tls.isPresent()) {
              javax.net.ssl.SSLContext sslContext = tls.get().context();
              server =
                  server.enableHttps(
                      org.apache.pekko.http.javadsl.ConnectionContext.httpsServer(
                          () -> tls.get().engine(sslContext)));
            }
            // The hot path (a Streamable HTTP POST) skips the routing DSL; everything else,
            // including every error of the other endpoints, goes through the sealed route.
            org.apache.pekko.japi.function.Function<
                    HttpRequest, java.util.concurrent.CompletionStage<HttpResponse>>
                routed = route.handler(ctx.getSystem());
            org.apache.pekko.japi.function.Function<
                    HttpRequest, java.util.concurrent.CompletionStage<HttpResponse>>
                handler = req -> mcp.isPost(req) ? mcp.post(req) : routed.apply(req);
            binding = server.bind(handler);
          } catch (IllegalArgumentException e) {
            binding = java.util.concurrent.CompletableFuture.failedFuture(e);
          }
          ctx.pipeToSelf(
              binding, (b, err) -> err == null ? new Bound(b) : new BindFailed(err));
          return starting(ctx, settings, bound, binding, mcp, ws, legacy, tls.isPresent());
        });
  }

  private static Behavior<Command> starting(
      ActorContext<Command> ctx,
      HttpSettings settings,
      CompletableFuture<InetSocketAddress> bound,
      java.util.concurrent.CompletionStage<ServerBinding> binding,
      StreamableHttp mcp,
      WebSocketEndpoint ws,
      LegacySse legacy,
      boolean tls) {
    return Behaviors.receive(Command.class)
        .onMessage(
            Bound.class,
            b -> {
              ctx.getLog()
                  .info(
                      "MCP Streamable HTTP listening on {}://{}:{}/{}",
                      tls ? "https" : "http",
                      b.binding().localAddress().getHostString(),
                      b.binding().localAddress().getPort(),
                      settings.path());
              bound.complete(b.binding().localAddress());
              return running(b.binding(), mcp, ws, legacy);
            })
        .onMessage(
            BindFailed.class,
            f -> {
              ctx.getLog()
                  .error(
                      "cannot listen on {}:{}: {}",
                      settings.host(),
                      settings.port(),
                      f.cause().getMessage());
              bound.completeExceptionally(f.cause());
              return Behaviors.stopped();
            })
        .onSignal(
            PostStop.class,
            s -> {
              // Stopped before the bind answered (the node is shutting down: downed, removed or
              // terminated): whoever waits for the listener learns it now, with a reason.
              bound.completeExceptionally(ListenerStoppedException.beforeBind("HTTP"));
              binding.thenAccept(ServerBinding::unbind); // a bind that still succeeds is undone
              mcp.close();
              return Behaviors.same();
            })
        .build();
  }

  private static Behavior<Command> running(
      ServerBinding binding, StreamableHttp mcp, WebSocketEndpoint ws, LegacySse legacy) {
    return Behaviors.receive(Command.class)
        .onSignal(
            PostStop.class,
            s -> {
              mcp.close();
              ws.shutdown();
              legacy.shutdown();
              binding.unbind();
              return Behaviors.same();
            })
        .build();
  }
}
