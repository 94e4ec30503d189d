package io.erlmcp.http;

import io.erlmcp.runtime.jsonrpc.JsonRpcCodec;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.transport.McpConnection;
import io.erlmcp.transport.McpEdge;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.impl.engine.ws.FrameEvent;
import org.apache.pekko.http.impl.engine.ws.FrameEvent$;
import org.apache.pekko.http.impl.engine.ws.FrameHandler;
import org.apache.pekko.http.impl.engine.ws.FrameStart;
import org.apache.pekko.http.impl.engine.ws.Protocol;
import org.apache.pekko.http.impl.engine.ws.UpgradeToWebSocketLowLevel;
import org.apache.pekko.http.impl.engine.ws.WebSocket;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.concurrent.duration.FiniteDuration;

/**
 * MCP over WebSocket on the HTTP listener ({@code /ws} by default): one JSON-RPC message per
 * text frame (a message may span continuation frames), subprotocol {@code mcp}. A connection is
 * one {@link McpConnection}: its {@code initialize} creates a session served like any other, and
 * server-to-client requests and notifications go down the same socket.
 *
 * <p>Close codes say why a connection ends: 1000 the client closed, 1001 idle timeout or server
 * shutdown, 1003 a binary frame, 1008 the outgoing buffer overflowed (the client reads too
 * slowly), 1009 a message over the size limit, 1011 an internal failure; protocol violations are
 * Pekko's own 1002/1007. Connections beyond the bound are refused at the handshake with 503.
 *
 * <p>Pekko HTTP's public WebSocket API closes only with 1000 or 1011, so this endpoint plugs its
 * own handler into Pekko's frame layer ({@code UpgradeToWebSocketLowLevel.handleFrames} over
 * Pekko's masking and control-frame handling): the only use of Pekko HTTP internals in erlmcp,
 * kept to this class and exercised by WebSocketTransportTest on every build.
 */
public final class WebSocketEndpoint extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(WebSocketEndpoint.class);
  public static final String SUBPROTOCOL = "mcp";

  static final int NORMAL = 1000;
  static final int GOING_AWAY = 1001;
  static final int UNSUPPORTED_DATA = 1003;
  static final int POLICY_VIOLATION = 1008;
  static final int MESSAGE_TOO_BIG = 1009;

  private final McpEdge edge;
  private final HttpSettings http;
  private final WebSocketSettings settings;
  private final ActorSystem system;
  private final LoggingAdapter pekkoLog;
  private final JsonRpcCodec codec = new JsonRpcCodec();
  private final AtomicInteger open = new AtomicInteger();
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

  public WebSocketEndpoint(
      McpEdge edge, HttpSettings http, WebSocketSettings settings, Materializer mat) {
    this.edge = edge;
    this.http = http;
    this.settings = settings;
    this.system = mat.system();
    this.pekkoLog = Logging.getLogger(system, WebSocketEndpoint.class);
  }

  /** Open WebSocket connections on this listener. */
  public int openConnections() {
    return open.get();
  }

  /** Closes every connection with 1001 (the listener is stopping). */
  public void shutdown() {
    for (Connection c : new ArrayList<>(connections)) {
      c.closeWith(GOING_AWAY, "server shutting down");
    }
  }

  public Route route() {
    return path(
        PathMatchers.separateOnSlashes(settings.path()),
        () -> get(() -> extractRequest(req -> complete(handshake(req)))));
  }

  @SuppressWarnings("unchecked")
  private HttpResponse handshake(HttpRequest req) {
    Optional<HttpResponse> refused = HttpErrors.originRefused(req, http);
    if (refused.isPresent()) {
      return refused.get();
    }
    Optional<WebSocketUpgrade> upgrade = req.getAttribute(AttributeKeys.webSocketUpgrade);
    if (upgrade.isEmpty() || !(upgrade.get() instanceof UpgradeToWebSocketLowLevel lowLevel)) {
      return error(
          StatusCodes.BAD_REQUEST,
          JsonRpcError.invalidRequest("Expected a WebSocket upgrade request (subprotocol mcp)"));
    }
    List<String> offered = new ArrayList<>();
    lowLevel.getRequestedProtocols().forEach(offered::add);
    Option<String> subprotocol;
    if (offered.contains(SUBPROTOCOL)) {
      subprotocol = Option.apply(SUBPROTOCOL);
    } else if (offered.isEmpty()) {
      subprotocol = Option.empty();
    } else {
      return error(
          StatusCodes.BAD_REQUEST,
          JsonRpcError.invalidRequest(
              "Unsupported WebSocket subprotocol " + offered + ": this endpoint speaks 'mcp'"));
    }
    if (open.incrementAndGet() > settings.maxConnections()) {
      open.decrementAndGet();
      return HttpErrors.tooMany("WebSocket connections", settings.maxConnections());
    }
    Connection c = new Connection();
    return (HttpResponse) lowLevel.handleFrames(c.frameFlow(), subprotocol);
  }

  private static HttpResponse error(StatusCode status, JsonRpcError err) {
    return HttpErrors.error(status, err);
  }

  private static FiniteDuration finite(Duration d) {
    return FiniteDuration.apply(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /**
   * One WebSocket connection: Pekko's frame events in, frame events out. Outgoing messages go
   * through a bounded queue; control events (pongs, close) through a small one of their own so
   * that a close can still be queued when the data queue is full.
   */
  private final class Connection {
    private final McpConnection mcp;
    private final StringBuilder message = new StringBuilder();
    private final SharedKillSwitch kill = KillSwitches.shared("erlmcp-ws");
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean materialized = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    private long messageBytes;
    private boolean discarding;
    private volatile long lastActivity = System.nanoTime();
    private BoundedSourceQueue<Object> data;
    private BoundedSourceQueue<Object> control;

    Connection() {
      this.mcp = new McpConnection(edge, "websocket", this::send);
    }

    /**
     * Pekko's frame layer (masking, control frames, close handshake) joined with ours. Raw types:
     * the Scala signatures rely on variance (FrameStart is a FrameEvent) that Java cannot state.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    org.apache.pekko.stream.Graph frameFlow() {
      FiniteDuration closeTimeout = finite(settings.closeTimeout());
      org.apache.pekko.stream.scaladsl.BidiFlow masking =
          WebSocket.masking(true, () -> new java.util.Random());
      org.apache.pekko.stream.scaladsl.BidiFlow handling =
          WebSocket.frameHandling(true, closeTimeout, pekkoLog);
      return masking.atop(handling).join(handler().asScala());
    }

    private Flow<FrameHandler.Output, Object, NotUsed> handler() {
      var dataQ = Source.<Object>queue(settings.outgoingBuffer()).preMaterialize(system);
      var controlQ = Source.<Object>queue(16).preMaterialize(system);
      data = dataQ.first();
      control = controlQ.first();
      Source<Object, NotUsed> dataOut = dataQ.second();
      if (!settings.keepAlive().isZero()) {
        FrameStart ping =
            FrameEvent$.MODULE$.fullFrame(
                Protocol.Opcode$.MODULE$.forCode((byte) 0x9), Option.empty(), ByteString.emptyByteString(), true,
                false, false, false);
        dataOut = dataOut.keepAlive(settings.keepAlive(), () -> new FrameHandler.DirectAnswer(ping));
      }
      Source<Object, NotUsed> ticks =
          Source.tick(Duration.ofSeconds(1), Duration.ofSeconds(1), (Object) WebSocket.Tick$.MODULE$)
              .map(this::onTick)
              .mapMaterializedValue(m -> NotUsed.getInstance());
      Source<Object, NotUsed> out =
          controlQ.second().merge(dataOut, true).merge(ticks, true);
      connections.add(this);
      // The slot taken at the handshake is released when the connection ends, or, if Pekko
      // never runs this flow (the client went away between the 101 and the upgrade), after a
      // grace period.
      system
          .scheduler()
          .scheduleOnce(
              Duration.ofSeconds(10),
              () -> {
                if (!materialized.get()) {
                  release("the WebSocket upgrade never completed");
                }
              },
              system.dispatcher());
      return Flow.fromSinkAndSourceCoupled(
              Sink.<FrameHandler.Output>foreach(this::onInput), out)
          .via(kill.flow())
          .watchTermination(
              (m, done) -> {
                materialized.set(true);
                done.whenComplete(
                    (d, e) ->
                        release(e == null ? "WebSocket closed" : "WebSocket failed: " + e.getMessage()));
                return NotUsed.getInstance();
              });
    }

    private void release(String reason) {
      if (released.compareAndSet(false, true)) {
        connections.remove(this);
        open.decrementAndGet();
        mcp.close(reason);
      }
    }

    private Object onTick(Object tick) {
      Duration idle = settings.idleTimeout();
      if (!idle.isZero()
          && !closing.get()
          && System.nanoTime() - lastActivity > idle.toNanos()
          && mcp.inFlight() == 0) {
        closeWith(GOING_AWAY, "idle for " + idle.toSeconds() + " s");
      }
      return tick;
    }

    private void onInput(FrameHandler.Output o) {
      if (o instanceof FrameHandler.TextMessagePart part) {
        lastActivity = System.nanoTime();
        if (discarding) {
          return;
        }
        messageBytes += utf8Length(part.data());
        if (messageBytes > settings.maxMessageBytes()) {
          discarding = true;
          message.setLength(0);
          closeWith(
              MESSAGE_TOO_BIG,
              "message larger than " + settings.maxMessageBytes() + " bytes");
          return;
        }
        message.append(part.data());
        if (part.last()) {
          String text = message.toString();
          message.setLength(0);
          messageBytes = 0;
          mcp.onFrame(text.getBytes(StandardCharsets.UTF_8));
        }
      } else if (o instanceof FrameHandler.BinaryMessagePart) {
        if (!discarding) {
          discarding = true;
          closeWith(UNSUPPORTED_DATA, "binary messages are not MCP: send JSON-RPC as text");
        }
      } else if (o instanceof FrameHandler.PeerClosed) {
        // The client closed: let Pekko answer its close frame, then end.
        closing.set(true);
        control.offer(o);
        control.offer(FrameHandler.UserHandlerCompleted$.MODULE$);
      } else if (o instanceof FrameHandler.BypassEvent) {
        // Pongs to the client's pings, and closes of Pekko's frame layer (1002, 1007).
        control.offer(o);
      }
    }

    /** One outgoing JSON-RPC message as one text frame; a full buffer ends the connection. */
    private void send(JsonRpcMessage m) {
      if (closing.get()) {
        return;
      }
      lastActivity = System.nanoTime();
      FrameStart frame =
          FrameEvent$.MODULE$.fullFrame(
              Protocol.Opcode$.MODULE$.forCode((byte) 0x1), Option.empty(),
              ByteString.fromArrayUnsafe(codec.encode(m)), true, false, false, false);
      QueueOfferResult r = data.offer(frame);
      if (r == QueueOfferResult.dropped()) {
        log.warn(
            "WebSocket client of session {} does not read: {} messages queued, closing",
            mcp.sessionId(),
            settings.outgoingBuffer());
        closeWith(
            POLICY_VIOLATION,
            "outgoing buffer full (" + settings.outgoingBuffer() + " messages): client too slow");
      }
    }

    /**
     * Closes with a code and reason. The close frame follows what is already queued when there
     * is room, else it jumps the queue; if the client does not take it within the close timeout
     * (it reads nothing at all), the connection is aborted.
     */
    void closeWith(int code, String reason) {
      if (!closing.compareAndSet(false, true)) {
        return;
      }
      FrameHandler.ActivelyCloseWithCode close =
          new FrameHandler.ActivelyCloseWithCode(Option.apply(code), reason);
      if (data.offer(close) != QueueOfferResult.enqueued()) {
        control.offer(close);
      }
      system
          .scheduler()
          .scheduleOnce(
              settings.closeTimeout().plusSeconds(1),
              () -> kill.abort(new IllegalStateException("closed (" + code + "): " + reason)),
              system.dispatcher());
    }
  }
}
