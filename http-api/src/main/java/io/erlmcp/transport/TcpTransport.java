package io.erlmcp.transport;

import io.erlmcp.runtime.jsonrpc.JsonRpcCodec;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MCP over raw TCP (optionally TLS) on Pekko Streams: newline-delimited JSON-RPC as on stdio,
 * one {@link McpConnection} (so at most one session) per TCP connection.
 *
 * <p>Bounds: connections per listener (one past it gets a JSON-RPC error line and is closed), the
 * length of a line (answered -32600, then the connection is closed: the stream cannot be
 * resynchronised cheaply), the messages queued for one client (a client that reads too slowly is
 * disconnected, and the reason logged), and an idle timeout. The listener is a behavior of the
 * transports branch like the HTTP one: {@code starting} binds, {@code running} unbinds on stop.
 */
public final class TcpTransport {
  private static final Logger log = LoggerFactory.getLogger(TcpTransport.class);
  private static final ByteString NEWLINE = ByteString.fromString("\n");

  private final McpEdge edge;
  private final TcpSettings settings;
  private final ActorSystem<?> system;
  private final JsonRpcCodec codec = new JsonRpcCodec();
  private final AtomicInteger open = new AtomicInteger();

  private TcpTransport(McpEdge edge, TcpSettings settings, ActorSystem<?> system) {
    this.edge = edge;
    this.settings = settings;
    this.system = system;
  }

  /** Open connections on this listener. */
  public int openConnections() {
    return open.get();
  }

  public sealed interface Command {}

  private record Bound(Tcp.ServerBinding binding) implements Command {}

  private record BindFailed(Throwable cause) implements Command {}

  public static Behavior<Command> create(
      McpEdge edge, TcpSettings settings, CompletableFuture<InetSocketAddress> bound) {
    return create(edge, settings, bound, t -> {});
  }

  /** As above; {@code started} is given the transport (tests read its connection count). */
  public static Behavior<Command> create(
      McpEdge edge,
      TcpSettings settings,
      CompletableFuture<InetSocketAddress> bound,
      java.util.function.Consumer<TcpTransport> started) {
    return Behaviors.setup(
        ctx -> {
          TcpTransport t = new TcpTransport(edge, settings, ctx.getSystem());
          started.accept(t);
          Materializer mat = Materializer.createMaterializer(ctx.getSystem());
          CompletionStage<Tcp.ServerBinding> binding;
          try {
            binding =
                t.connections()
                    .to(Sink.foreach(c -> t.accept(c, mat)))
                    .run(mat);
          } catch (IllegalArgumentException e) {
            binding = CompletableFuture.failedFuture(e);
          }
          ctx.pipeToSelf(binding, (b, err) -> err == null ? new Bound(b) : new BindFailed(err));
          return starting(ctx, settings, bound, binding);
        });
  }

  private Source<Tcp.IncomingConnection, CompletionStage<Tcp.ServerBinding>> connections() {
    Tcp tcp = Tcp.get(system);
    if (settings.tls().isEmpty()) {
      // Half-close: after an over-long line our side closes first while the client's remaining
      // input is still read (see Connection.onLine).
      return tcp.bind(settings.host(), settings.port(), 100, List.of(), true, Optional.empty());
    }
    TlsSettings tls = settings.tls().get();
    SSLContext ctx = tls.context();
    return tcp.bindWithTls(
        settings.host(),
        settings.port(),
        () -> tls.engine(ctx),
        100,
        List.of(),
        Optional.empty(),
        session -> Optional.empty(),
        org.apache.pekko.stream.TLSClosing$.MODULE$.ignoreComplete());
  }

  private static Behavior<Command> starting(
      ActorContext<Command> ctx,
      TcpSettings settings,
      CompletableFuture<InetSocketAddress> bound,
      CompletionStage<Tcp.ServerBinding> binding) {
    return Behaviors.receive(Command.class)
        .onMessage(
            Bound.class,
            b -> {
              InetSocketAddress a = b.binding().localAddress();
              ctx.getLog()
                  .info(
                      "MCP over {} listening on {}:{}",
                      settings.tls().isPresent() ? "TCP+TLS" : "TCP",
                      a.getHostString(),
                      a.getPort());
              bound.complete(a);
              return running(b.binding());
            })
        .onMessage(
            BindFailed.class,
            f -> {
              ctx.getLog()
                  .error(
                      "cannot listen (TCP) on {}:{}: {}",
                      settings.host(),
                      settings.port(),
                      f.cause().getMessage());
              bound.completeExceptionally(f.cause());
              return Behaviors.stopped();
            })
        .onSignal(
            PostStop.class,
            s -> {
              // Stopped before the bind answered: the node is shutting down.
              bound.completeExceptionally(ListenerStoppedException.beforeBind("TCP"));
              binding.thenAccept(Tcp.ServerBinding::unbind); // a bind that still succeeds is undone
              return Behaviors.same();
            })
        .build();
  }

  private static Behavior<Command> running(Tcp.ServerBinding binding) {
    return Behaviors.receive(Command.class)
        .onSignal(
            PostStop.class,
            s -> {
              binding.unbind();
              return Behaviors.same();
            })
        .build();
  }

  private void accept(Tcp.IncomingConnection c, Materializer mat) {
    if (open.incrementAndGet() > settings.maxConnections()) {
      open.decrementAndGet();
      log.warn(
          "TCP connection from {} refused: {} connections open", c.remoteAddress(), settings.maxConnections());
      ByteString refusal =
          line(
              new JsonRpcMessage.ErrorResponse(
                  null,
                  JsonRpcError.internalError(
                      "Too many connections (" + settings.maxConnections() + "): try again later")));
      c.handleWith(Flow.fromSinkAndSourceCoupled(Sink.ignore(), Source.single(refusal)), mat);
      return;
    }
    c.handleWith(new Connection(c.remoteAddress()).flow(), mat);
  }

  private ByteString line(JsonRpcMessage m) {
    return ByteString.fromArrayUnsafe(codec.encode(m)).concat(NEWLINE);
  }

  /** How long requests still running when the client half-closed may take to answer. */
  private static final Duration EOF_GRACE = Duration.ofSeconds(10);

  /** How long input is still drained after an over-long line was answered. */
  private static final Duration LINGER = Duration.ofSeconds(2);

  /** Marks a line over the limit in the stream of lines. */
  private static final Object TOO_LONG = new Object();

  /**
   * Splits bytes into lines (byte arrays, without the newline); past the limit it emits
   * {@link #TOO_LONG} once and drops everything after. Never holds more than the limit.
   */
  private static final class Lines implements org.apache.pekko.japi.function.Function<ByteString, Iterable<Object>> {
    private final int max;
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    private boolean dropping;

    Lines(int max) {
      this.max = max;
    }

    /** What follows the last newline, when the input ended (null: nothing, or dropping). */
    synchronized byte[] rest() {
      return dropping || line.size() == 0 ? null : line.toByteArray();
    }

    @Override
    public synchronized Iterable<Object> apply(ByteString chunk) {
      if (dropping) {
        return List.of();
      }
      List<Object> out = new java.util.ArrayList<>(2);
      for (int i = 0; i < chunk.size(); i++) {
        byte b = chunk.apply(i);
        if (b == '\n') {
          out.add(line.toByteArray());
          line.reset();
        } else if (line.size() >= max) {
          dropping = true;
          line.reset();
          out.add(TOO_LONG);
          return out;
        } else {
          line.write(b);
        }
      }
      return out;
    }
  }

  /** One TCP connection: lines in, lines out through a bounded queue. */
  private final class Connection {
    private final InetSocketAddress remote;
    private final SharedKillSwitch kill = KillSwitches.shared("erlmcp-tcp");
    private final McpConnection mcp;
    private BoundedSourceQueue<ByteString> out;
    private volatile long lastActivity = System.nanoTime();
    private volatile String endReason = "client disconnected";
    private final java.util.concurrent.atomic.AtomicBoolean outputCompleted =
        new java.util.concurrent.atomic.AtomicBoolean();
    private Lines lines;

    Connection(InetSocketAddress remote) {
      this.remote = remote;
      this.mcp = new McpConnection(edge, "tcp", this::send);
    }

    Flow<ByteString, ByteString, NotUsed> flow() {
      var q = Source.<ByteString>queue(settings.outgoingBuffer()).preMaterialize(system);
      out = q.first();
      int maxLine = (int) Math.min(Integer.MAX_VALUE - 8, settings.maxLineBytes());
      lines = new Lines(maxLine);
      Sink<ByteString, CompletionStage<Done>> in =
          Flow.of(ByteString.class)
              .statefulMapConcat(() -> lines)
              .toMat(Sink.foreach(this::onLine), Keep.right());
      Cancellable idleCheck = scheduleIdleCheck();
      return Flow.fromSinkAndSourceMat(
              in,
              q.second(),
              (done, m) -> {
                done.whenComplete(this::inputEnded);
                return NotUsed.getInstance();
              })
          .via(kill.flow())
          .watchTermination(
              (m, done) -> {
                done.whenComplete(
                    (d, e) -> {
                      idleCheck.cancel();
                      open.decrementAndGet();
                      mcp.close(e == null ? endReason : "TCP connection failed: " + e.getMessage());
                    });
                return NotUsed.getInstance();
              });
    }

    private void onLine(Object line) {
      if (line instanceof byte[] bytes) {
        lastActivity = System.nanoTime();
        mcp.onFrame(bytes);
        return;
      }
      // Too long: answer, stop reading messages, close our side. The rest of the client's input
      // is read and dropped for a moment so that the close does not reset the connection (and
      // lose the answer) while unread bytes sit in the socket.
      endReason = "line longer than " + settings.maxLineBytes() + " bytes";
      log.info("TCP client {}: {}, closing", remote, endReason);
      mcp.send(
          new JsonRpcMessage.ErrorResponse(
              null,
              JsonRpcError.invalidRequest(
                  "message longer than " + settings.maxLineBytes() + " bytes: closing")));
      completeOutput();
      system.scheduler().scheduleOnce(LINGER, kill::shutdown, system.executionContext());
    }

    private void inputEnded(Done d, Throwable e) {
      if (e != null) {
        kill.abort(e);
        return;
      }
      // The client closed its side (a half-close, as `printf ... | nc` does): a last line without
      // a newline is still a message; what was asked is answered within a grace period, then
      // our side closes too.
      byte[] rest = lines.rest();
      if (rest != null) {
        mcp.onFrame(rest);
      }
      long deadline = System.nanoTime() + EOF_GRACE.toNanos();
      Cancellable[] poll = new Cancellable[1];
      poll[0] =
          system
              .scheduler()
              .scheduleWithFixedDelay(
                  Duration.ZERO,
                  Duration.ofMillis(20),
                  () -> {
                    if (mcp.inFlight() == 0 || System.nanoTime() > deadline) {
                      if (poll[0] != null) {
                        poll[0].cancel();
                      }
                      completeOutput();
                    }
                  },
                  system.executionContext());
    }

    /** Ends our side after what is queued has been written. Idempotent. */
    private void completeOutput() {
      if (outputCompleted.compareAndSet(false, true)) {
        out.complete();
      }
    }

    private Cancellable scheduleIdleCheck() {
      Duration idle = settings.idleTimeout();
      if (idle.isZero()) {
        return org.apache.pekko.actor.Cancellable.alreadyCancelled();
      }
      Duration every = idle.compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofMillis(200) : Duration.ofSeconds(1);
      return system
          .scheduler()
          .scheduleAtFixedRate(
              every,
              every,
              () -> {
                if (System.nanoTime() - lastActivity > idle.toNanos() && mcp.inFlight() == 0) {
                  endReason = "idle for " + idle.toSeconds() + " s";
                  log.info("TCP client {}: {}, closing", remote, endReason);
                  kill.shutdown();
                }
              },
              system.executionContext());
    }

    private void send(JsonRpcMessage m) {
      lastActivity = System.nanoTime();
      QueueOfferResult r = out.offer(line(m));
      if (r == QueueOfferResult.dropped()) {
        endReason =
            "outgoing buffer full (" + settings.outgoingBuffer() + " messages): client too slow";
        log.warn("TCP client {} (session {}): {}, disconnecting", remote, mcp.sessionId(), endReason);
        kill.abort(new IllegalStateException(endReason));
      }
    }
  }
}
