package io.erlmcp.runtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Small helpers for {@link CompletionStage}s that come from other libraries. */
public final class Stages {
  private Stages() {}

  /**
   * The same outcome as {@code stage}, as a plain {@link CompletableFuture} whose dependent
   * stages run on the thread that completes it.
   *
   * <p>Why: stages converted from Scala futures (everything Pekko's Java API returns) run every
   * non-async callback as if it were {@code ...Async} on the common pool. On a machine with 2
   * cores the common pool has parallelism 1, and {@code CompletableFuture} then starts a new
   * thread for every such callback. Re-anchoring the stage here keeps the hot path at zero thread
   * creations and zero extra hops.
   */
  public static <T> CompletableFuture<T> direct(CompletionStage<T> stage) {
    if (stage.getClass() == CompletableFuture.class) {
      return (CompletableFuture<T>) stage;
    }
    CompletableFuture<T> f = new CompletableFuture<>();
    stage.whenCompleteAsync(
        (v, e) -> {
          if (e != null) {
            f.completeExceptionally(e);
          } else {
            f.complete(v);
          }
        },
        Runnable::run);
    return f;
  }
}
