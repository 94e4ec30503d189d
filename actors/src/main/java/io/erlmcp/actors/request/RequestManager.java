package io.erlmcp.actors.request;

import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.jsonrpc.RequestId;
import io.erlmcp.runtime.server.McpDispatcher;
import io.erlmcp.runtime.server.Outbound;
import io.erlmcp.runtime.server.SessionPort;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Spawns and tracks this node's request workers, one per running request, keyed by session and
 * request id so {@code notifications/cancelled} finds its request. Bounded: past {@code
 * maxInFlight} running requests a new one is refused at once (the edge answers 503 / a JSON-RPC
 * error) instead of queueing without limit.
 */
public final class RequestManager extends AbstractBehavior<RequestManager.Command> {

  public sealed interface Command {}

  /** Run a request; the outcome goes to {@code replyTo}. */
  public record Start(
      String sessionId,
      JsonRpcMessage.Request request,
      SessionPort session,
      Outbound out,
      ActorRef<Outcome> replyTo)
      implements Command {}

  /** notifications/cancelled for a request of a session. */
  public record Cancel(String sessionId, RequestId requestId, String reason) implements Command {}

  /** Cancel every running request of a session (DELETE, session end). */
  public record CancelSession(String sessionId, String reason) implements Command {}

  /** How many requests run now. */
  public record GetInFlight(ActorRef<Integer> replyTo) implements Command {}

  private record WorkerStopped(Key key) implements Command {}

  /** What became of a request. */
  public sealed interface Outcome {
    record Responded(JsonRpcMessage response) implements Outcome {}

    record Cancelled(String reason) implements Outcome {}

    /** Refused before it ran (too many in flight, duplicate id). */
    record Rejected(JsonRpcError error, boolean overloaded) implements Outcome {}

    record Failed(String reason) implements Outcome {}
  }

  private record Key(String sessionId, RequestId requestId) {}

  private final McpDispatcher dispatcher;
  private final Executor handlerExecutor;
  private final int maxInFlight;
  private final Map<Key, ActorRef<RequestWorker.Command>> running = new HashMap<>();
  private long spawned;

  public static Behavior<Command> create(
      McpDispatcher dispatcher, Executor handlerExecutor, int maxInFlight) {
    return Behaviors.setup(ctx -> new RequestManager(ctx, dispatcher, handlerExecutor, maxInFlight));
  }

  private RequestManager(
      ActorContext<Command> ctx, McpDispatcher dispatcher, Executor handlerExecutor, int maxInFlight) {
    super(ctx);
    this.dispatcher = dispatcher;
    this.handlerExecutor = handlerExecutor;
    this.maxInFlight = maxInFlight;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Start.class, this::onStart)
        .onMessage(Cancel.class, this::onCancel)
        .onMessage(CancelSession.class, this::onCancelSession)
        .onMessage(WorkerStopped.class, this::onWorkerStopped)
        .onMessage(
            GetInFlight.class,
            g -> {
              g.replyTo().tell(running.size());
              return this;
            })
        .build();
  }

  private Behavior<Command> onStart(Start s) {
    Key key = new Key(s.sessionId(), s.request().id());
    if (running.size() >= maxInFlight) {
      s.replyTo()
          .tell(
              new Outcome.Rejected(
                  JsonRpcError.internalError(
                      "Server busy: " + maxInFlight + " requests already running on this node"),
                  true));
      return this;
    }
    if (running.containsKey(key)) {
      s.replyTo()
          .tell(
              new Outcome.Rejected(
                  JsonRpcError.invalidRequest(
                      "Request id " + s.request().id() + " is already in use by a running request"),
                  false));
      return this;
    }
    ActorRef<RequestWorker.Command> worker =
        getContext()
            .spawn(
                RequestWorker.create(
                    dispatcher, s.request(), s.session(), s.out(), handlerExecutor, s.replyTo()),
                "req-" + (++spawned));
    getContext().watchWith(worker, new WorkerStopped(key));
    running.put(key, worker);
    return this;
  }

  private Behavior<Command> onCancel(Cancel c) {
    ActorRef<RequestWorker.Command> worker = running.get(new Key(c.sessionId(), c.requestId()));
    if (worker != null) {
      worker.tell(new RequestWorker.Cancel(c.reason()));
    } else {
      getContext().getLog().debug("cancel for unknown or finished request {}", c.requestId());
    }
    return this;
  }

  private Behavior<Command> onCancelSession(CancelSession c) {
    running.forEach(
        (k, w) -> {
          if (k.sessionId().equals(c.sessionId())) {
            w.tell(new RequestWorker.Cancel(c.reason()));
          }
        });
    return this;
  }

  private Behavior<Command> onWorkerStopped(WorkerStopped w) {
    running.remove(w.key());
    return this;
  }
}
