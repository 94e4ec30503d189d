package io.erlmcp.actors.request;

import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.server.CancellationToken;
import io.erlmcp.runtime.server.McpDispatcher;
import io.erlmcp.runtime.server.Outbound;
import io.erlmcp.runtime.server.SessionPort;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One running request. Its handler runs on the handler executor (never on an actor thread); the
 * result comes back by {@code pipeToSelf}. Cancelling the request stops this actor, and stopping
 * it cancels the handler: its token fires and its future is cancelled, so nothing of a cancelled
 * request keeps running and no response is sent for it.
 */
public final class RequestWorker extends AbstractBehavior<RequestWorker.Command> {

  public sealed interface Command {}

  /** Cancel the request (client's notifications/cancelled, session end, shutdown). */
  public record Cancel(String reason) implements Command {}

  private record Completed(JsonRpcMessage response, Throwable failure) implements Command {}

  private final ActorRef<RequestManager.Outcome> replyTo;
  private final CancellationToken token = new CancellationToken();
  private boolean answered;

  public static Behavior<Command> create(
      McpDispatcher dispatcher,
      JsonRpcMessage.Request request,
      SessionPort session,
      Outbound out,
      Executor handlerExecutor,
      ActorRef<RequestManager.Outcome> replyTo) {
    return Behaviors.setup(
        ctx -> new RequestWorker(ctx, dispatcher, request, session, out, handlerExecutor, replyTo));
  }

  private RequestWorker(
      ActorContext<Command> ctx,
      McpDispatcher dispatcher,
      JsonRpcMessage.Request request,
      SessionPort session,
      Outbound out,
      Executor handlerExecutor,
      ActorRef<RequestManager.Outcome> replyTo) {
    super(ctx);
    this.replyTo = replyTo;
    CompletableFuture<JsonRpcMessage> result =
        CompletableFuture.supplyAsync(
                () -> dispatcher.respond(request, session, out, token), handlerExecutor)
            .thenCompose(stage -> stage);
    ctx.pipeToSelf(result, Completed::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Completed.class, this::onCompleted)
        .onMessage(Cancel.class, this::onCancel)
        .onSignal(PostStop.class, s -> onStop())
        .build();
  }

  private Behavior<Command> onCompleted(Completed c) {
    if (!answered) {
      answered = true;
      Throwable f = c.failure();
      if (f instanceof CompletionException && f.getCause() != null) {
        f = f.getCause();
      }
      if (f == null) {
        replyTo.tell(new RequestManager.Outcome.Responded(c.response()));
      } else if (f instanceof CancellationException) {
        replyTo.tell(new RequestManager.Outcome.Cancelled(token.reason()));
      } else {
        // respond() maps every handler failure to an error response; reaching here is a bug.
        getContext().getLog().error("request failed outside the dispatcher", f);
        replyTo.tell(new RequestManager.Outcome.Failed(String.valueOf(f)));
      }
    }
    return Behaviors.stopped();
  }

  private Behavior<Command> onCancel(Cancel c) {
    token.cancel(c.reason());
    if (!answered) {
      answered = true;
      replyTo.tell(new RequestManager.Outcome.Cancelled(c.reason()));
    }
    return Behaviors.stopped();
  }

  private Behavior<Command> onStop() {
    token.cancel("request worker stopped");
    if (!answered) {
      answered = true;
      replyTo.tell(new RequestManager.Outcome.Cancelled("request worker stopped"));
    }
    return this;
  }
}
