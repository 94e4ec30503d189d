package io.erlmcp.actors;

import com.typesafe.config.Config;
import io.erlmcp.actors.cluster.ClusterMonitor;
import io.erlmcp.actors.cluster.ClusterNotifications;
import io.erlmcp.actors.cluster.NodeStatus;
import io.erlmcp.actors.registry.ClusterClients;
import io.erlmcp.actors.registry.ConnectedClients;
import io.erlmcp.actors.registry.PresenceRegistry;
import io.erlmcp.actors.request.RequestManager;
import io.erlmcp.actors.session.SessionEntity;
import io.erlmcp.actors.session.SessionGateway;
import io.erlmcp.actors.task.ClusterLiveness;
import io.erlmcp.actors.task.ShardedTaskStore;
import io.erlmcp.actors.task.TaskCancellations;
import io.erlmcp.runtime.tasks.TaskSettings;
import io.erlmcp.runtime.tasks.Tasks;
import io.erlmcp.runtime.server.McpDispatcher;
import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.runtime.session.SessionMachine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * The root of erlmcp's supervision tree (erlmcp_sup):
 *
 * <pre>
 * guardian
 * ├── core           request workers (erlmcp_registry and the session region live beside it:
 * │                  the sharded session entities are Cluster Sharding's children)
 * ├── registry       the catalog (CatalogRegistry); presence: the presence registry (which
 * │                  clients are connected to which node)
 * ├── cluster        membership, reachability and the mode guard (split brain)
 * ├── transports     one child per listener (stdio, http, ...), given the core
 * ├── operations     backup, audit, degradation, incidents (filled by later work)
 * └── observability  metrics publishers
 * </pre>
 *
 * See docs/supervision-tree.md for each child's restart policy.
 */
public final class Guardian {
  private Guardian() {}

  public sealed interface Command {}

  /** Ask for the core once it is up (the node's bootstrap and tests do). */
  public record GetCore(ActorRef<Core> replyTo) implements Command {}

  private record CoreStarted(ActorRef<RequestManager.Command> requests) implements Command {}

  /** A transport: its name in the tree and how to build it from the core. */
  public record TransportSpec(String name, Function<Core, Behavior<?>> factory) {}

  /** The journal warm-up finished (failure: it did not, in time or at all). */
  private record JournalWarm(Throwable failure, long startedNanos) implements Command {}

  public static Behavior<Command> create(McpServer server, List<TransportSpec> transports) {
    return Behaviors.withStash(
        1000,
        stash ->
            Behaviors.setup(
                ctx -> {
                  // Sessions are hosted (sharding started) only once the journal answers, so
                  // no session moves to this node while it would still be connecting to it.
                  Duration timeout =
                      ctx.getSystem()
                          .settings()
                          .config()
                          .getDuration("erlmcp.session.journal-warmup-timeout");
                  long started = System.nanoTime();
                  ctx.pipeToSelf(
                      io.erlmcp.actors.session.JournalWarmUp.run(ctx, timeout),
                      (done, err) -> new JournalWarm(err, started));
                  return Behaviors.receive(Command.class)
                      .onMessage(
                          JournalWarm.class,
                          w -> {
                            long ms = (System.nanoTime() - w.startedNanos()) / 1_000_000;
                            if (w.failure() == null) {
                              ctx.getLog().info("journal ready in {} ms", ms);
                            } else {
                              ctx.getLog()
                                  .warn(
                                      "journal not ready after {} ms ({}); starting anyway: the first"
                                          + " sessions on this node wait for it",
                                      ms,
                                      w.failure().toString());
                            }
                            return initialized(ctx, stash, server, transports);
                          })
                      .onMessage(
                          GetCore.class,
                          get -> {
                            stash.stash(get);
                            return Behaviors.same();
                          })
                      .build();
                }));
  }

  private static Behavior<Command> initialized(
      ActorContext<Command> ctx,
      StashBuffer<Command> stash,
      McpServer server,
      List<TransportSpec> transports) {
                  Config config = ctx.getSystem().settings().config();
                  Config erl = config.getConfig("erlmcp");
                  Cluster cluster = Cluster.get(ctx.getSystem());
                  if (erl.getBoolean("cluster.self-join")
                      && config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
                    // A single node with no seed nodes is a cluster of one.
                    cluster.manager().tell(Join.create(cluster.selfMember().address()));
                  }
                  SessionEntity.Settings sessionSettings =
                      new SessionEntity.Settings(
                          erl.getInt("session.stream-buffer-limit"),
                          erl.getInt("session.snapshot-every"),
                          new SessionMachine.Limits(
                              erl.getInt("session.max-data-keys"),
                              erl.getInt("session.max-data-value-chars"),
                              erl.getInt("session.max-subscriptions")));
                  SessionEntity.init(ctx.getSystem(), sessionSettings);
                  AtomicReference<NodeStatus> status =
                      new AtomicReference<>(
                          NodeStatus.starting(cluster.selfMember().address().toString()));
                  ShardedTaskStore.init(ctx.getSystem(), erl.getInt("tasks.list-limit"));
                  Executor handlerExecutor =
                      ctx.getSystem()
                          .dispatchers()
                          .lookup(DispatcherSelector.fromConfig("erlmcp.handler-dispatcher"));
                  Tasks tasks =
                      new Tasks(
                          new ShardedTaskStore(
                              ctx.getSystem(),
                              erl.getDuration("tasks.ask-timeout"),
                              () -> status.get().mode() == NodeStatus.Mode.READ_WRITE),
                          new TaskSettings(
                              erl.getDuration("tasks.default-ttl"),
                              erl.getDuration("tasks.max-ttl"),
                              erl.getDuration("tasks.poll-interval"),
                              erl.getDuration("tasks.run-timeout"),
                              erl.getInt("tasks.max-running")),
                          handlerExecutor);
                  tasks.liveness(new ClusterLiveness(ctx.getSystem()));
                  // A graceful stop records the tasks this node runs as failed (a crash leaves
                  // them working until their ttl: see docs/tasks.md).
                  org.apache.pekko.actor.CoordinatedShutdown.get(ctx.getSystem())
                      .addTask(
                          org.apache.pekko.actor.CoordinatedShutdown.PhaseServiceRequestsDone(),
                          "erlmcp-abandon-running-tasks",
                          () ->
                              tasks
                                  .abandonRunning(
                                      "The server stopped while the task ran; call the tool again")
                                  .thenApply(v -> org.apache.pekko.Done.getInstance()));
                  McpDispatcher dispatcher =
                      new McpDispatcher(
                          server,
                          new McpDispatcher.Settings(
                              erl.getInt("protocol.page-size"),
                              erl.getDuration("protocol.tool-timeout"),
                              erl.getDuration("protocol.client-request-timeout"),
                              erl.getDuration("stateless.list-ttl").toMillis(),
                              erl.getDuration("stateless.read-ttl").toMillis(),
                              erl.getString("stateless.cache-scope")),
                          tasks);
                  ctx.spawn(
                      Behaviors.supervise(ClusterMonitor.create(status))
                          .onFailure(SupervisorStrategy.restart()),
                      "cluster");
                  ctx.spawn(
                      Behaviors.supervise(ClusterNotifications.create(server))
                          .onFailure(SupervisorStrategy.restart()),
                      "notifications");
                  ctx.spawn(
                      Behaviors.supervise(
                              io.erlmcp.actors.registry.CatalogRegistry.create(
                                  server, handlerExecutor, erl.getDuration("protocol.tool-timeout")))
                          .onFailure(SupervisorStrategy.restart()),
                      "registry");
                  ConnectedClients clients =
                      new ConnectedClients(erl.getInt("presence.max-tracked"));
                  AtomicReference<ClusterClients> presence =
                      new AtomicReference<>(
                          ClusterClients.empty(cluster.selfMember().address().toString()));
                  ctx.spawn(
                      Behaviors.supervise(
                              PresenceRegistry.create(
                                  clients,
                                  presence,
                                  PresenceRegistry.Settings.from(erl.getConfig("presence"))))
                          .onFailure(SupervisorStrategy.restart()),
                      "presence");
                  ctx.spawn(
                      Behaviors.supervise(TaskCancellations.create(tasks))
                          .onFailure(SupervisorStrategy.restart()),
                      "task-cancellations");
                  ActorRef<CoreStarted> self = ctx.getSelf().narrow();
                  ctx.spawn(
                      Behaviors.<Void>setup(
                          coreCtx -> {
                            ActorRef<RequestManager.Command> requests =
                                coreCtx.spawn(
                                    Behaviors.supervise(
                                            RequestManager.create(
                                                dispatcher,
                                                handlerExecutor,
                                                erl.getInt("requests.max-in-flight")))
                                        .onFailure(
                                            SupervisorStrategy.restart()
                                                .withLimit(10, Duration.ofMinutes(1))),
                                    "requests");
                            self.tell(new CoreStarted(requests));
                            return Behaviors.empty();
                          }),
                      "core");
                  SessionGateway sessions =
                      new SessionGateway(
                          ctx.getSystem(),
                          erl.getDuration("session.ask-timeout"),
                          erl.getInt("session.read-copy-limit"),
                          () -> status.get().members().size() <= 1);
                  return starting(
                      ctx,
                      stash,
                      config,
                      server,
                      dispatcher,
                      sessions,
                      status,
                      handlerExecutor,
                      clients,
                      presence,
                      transports);
  }

  private static Behavior<Command> starting(
      ActorContext<Command> ctx,
      StashBuffer<Command> stash,
      Config config,
      McpServer server,
      McpDispatcher dispatcher,
      SessionGateway sessions,
      AtomicReference<NodeStatus> status,
      Executor handlerExecutor,
      ConnectedClients clients,
      AtomicReference<ClusterClients> presence,
      List<TransportSpec> transports) {
    return Behaviors.receive(Command.class)
        .onMessage(
            CoreStarted.class,
            started -> {
              Core core =
                  new Core(
                      ctx.getSystem(),
                      config,
                      server,
                      dispatcher,
                      sessions,
                      started.requests(),
                      status,
                      handlerExecutor,
                      clients,
                      presence);
              Core.register(core);
              List<Branch.ChildSpec> children = new ArrayList<>();
              for (TransportSpec t : transports) {
                children.add(
                    new Branch.ChildSpec(
                        t.name(),
                        Behaviors.supervise(t.factory().apply(core))
                            .onFailure(
                                SupervisorStrategy.restartWithBackoff(
                                    Duration.ofMillis(200), Duration.ofSeconds(10), 0.2))));
              }
              ctx.spawn(Branch.create(children), "transports");
              ctx.spawn(Branch.create(List.of()), "operations");
              ctx.spawn(Branch.create(List.of()), "observability");
              return stash.unstashAll(running(core));
            })
        .onMessage(
            GetCore.class,
            get -> {
              stash.stash(get);
              return Behaviors.same();
            })
        .build();
  }

  private static Behavior<Command> running(Core core) {
    return Behaviors.receive(Command.class)
        .onMessage(
            GetCore.class,
            get -> {
              get.replyTo().tell(core);
              return Behaviors.same();
            })
        .build();
  }
}
