package io.erlmcp.runtime.tasks;

import io.erlmcp.runtime.server.CancellationToken;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What the dispatcher needs to serve tasks: the store, the settings, the executor task handlers
 * run on (a task outlives the request that created it, so it cannot run on that request's
 * worker), and the cancellation tokens of the tasks running in this process (so {@code
 * tasks/cancel} stops the handler, as cancelling a request does).
 */
public final class Tasks {
  private final TaskStore store;
  private final TaskSettings settings;
  private final Executor executor;
  private final Map<String, CancellationToken> running = new ConcurrentHashMap<>();
  private volatile CancelRelay relay = (taskId, reason) -> {};
  private volatile Liveness liveness = Liveness.SINGLE_PROCESS;

  /**
   * Which processes are alive: a task that is working on a process that is gone (killed, or
   * removed from the cluster) has no handler any more and is recorded failed when it is read.
   */
  public interface Liveness {
    /** This process's id, stable for its life and never reused (the cluster's unique address). */
    String self();

    /** Whether the process {@code runner} may still be running handlers. */
    boolean isAlive(String runner);

    /** One process whose memory is the store's: whatever it ran is alive as long as it is. */
    Liveness SINGLE_PROCESS =
        new Liveness() {
          @Override
          public String self() {
            return "local";
          }

          @Override
          public boolean isAlive(String runner) {
            return true;
          }
        };
  }

  /** Sets how this process tells live processes (the host does, once, at start). */
  public void liveness(Liveness liveness) {
    this.liveness = java.util.Objects.requireNonNull(liveness);
  }

  public Liveness liveness() {
    return liveness;
  }

  /**
   * Carries a cancellation to the other processes of a cluster (the handler of a task runs on
   * the node that created or last resumed it, which need not be the node that gets {@code
   * tasks/cancel}). The actor host relays over Distributed PubSub; alone, nothing.
   */
  @FunctionalInterface
  public interface CancelRelay {
    void cancelElsewhere(String taskId, String reason);
  }

  /** Sets how cancellations reach other processes (the host does, once, at start). */
  public void relayCancellations(CancelRelay relay) {
    this.relay = java.util.Objects.requireNonNull(relay);
  }

  /**
   * Stops the task's handler wherever it runs: here at once, and on the other nodes through the
   * relay. Call after the cancellation is recorded.
   */
  public void cancel(String taskId, String reason) {
    cancelRunning(taskId, reason);
    relay.cancelElsewhere(taskId, reason);
  }

  public Tasks(TaskStore store, TaskSettings settings, Executor executor) {
    this.store = store;
    this.settings = settings;
    this.executor = executor;
  }

  private static ExecutorService sharedPool; // guarded by Tasks.class

  /** Tasks kept in memory, handlers on a shared daemon pool: for tests and plain embedding. */
  public static Tasks inMemory() {
    return new Tasks(new InMemoryTaskStore(), TaskSettings.DEFAULT, pool());
  }

  private static synchronized Executor pool() {
    if (sharedPool == null) {
      sharedPool =
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "erlmcp-task");
                t.setDaemon(true);
                return t;
              });
    }
    return sharedPool;
  }

  public TaskStore store() {
    return store;
  }

  public TaskSettings settings() {
    return settings;
  }

  public Executor executor() {
    return executor;
  }

  /** A task's handler started in this process. */
  public void started(String taskId, CancellationToken token) {
    running.put(taskId, token);
  }

  /** A task's handler ended (however). */
  public void ended(String taskId, CancellationToken token) {
    running.remove(taskId, token);
  }

  /** Cancels the task's handler if it runs in this process; false when it does not. */
  public boolean cancelRunning(String taskId, String reason) {
    CancellationToken t = running.get(taskId);
    return t != null && t.cancel(reason);
  }

  /**
   * The process is stopping: every task whose handler runs here is recorded failed (its client
   * would otherwise see it working until its ttl) and its handler cancelled. Completes when the
   * store has every failure.
   */
  public java.util.concurrent.CompletionStage<Void> abandonRunning(String why) {
    List<java.util.concurrent.CompletableFuture<?>> writes = new java.util.ArrayList<>();
    for (Map.Entry<String, CancellationToken> e : List.copyOf(running.entrySet())) {
      com.fasterxml.jackson.databind.node.ObjectNode error =
          io.erlmcp.runtime.Json.object()
              .put("code", io.erlmcp.runtime.jsonrpc.JsonRpcError.INTERNAL_ERROR)
              .put("message", why);
      writes.add(
          store
              .append(e.getKey(), new TaskEvent.Failed(error, System.currentTimeMillis()))
              .handle((s, err) -> null)
              .toCompletableFuture());
      e.getValue().cancel(why);
    }
    return java.util.concurrent.CompletableFuture.allOf(
        writes.toArray(java.util.concurrent.CompletableFuture[]::new));
  }

  /** How many task handlers run in this process now. */
  public int runningCount() {
    return running.size();
  }
}
