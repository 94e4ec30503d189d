package io.erlmcp.runtime.server;

import java.util.ArrayList;
import java.util.List;

/**
 * Set when the client cancels a request (or its session or connection ends). Handlers that loop
 * check {@link #isCancelled()}; handlers that wait register {@link #onCancel}. The host also
 * cancels the handler's future, so cooperative checks are a courtesy, not a requirement.
 */
public final class CancellationToken {
  private final List<Runnable> callbacks = new ArrayList<>();
  private volatile String reason;

  public boolean isCancelled() {
    return reason != null;
  }

  public String reason() {
    return reason;
  }

  /** Runs {@code r} on cancellation (at once when already cancelled). */
  public void onCancel(Runnable r) {
    boolean runNow;
    synchronized (callbacks) {
      runNow = reason != null;
      if (!runNow) {
        callbacks.add(r);
      }
    }
    if (runNow) {
      r.run();
    }
  }

  /** Cancels; returns false when it already was. */
  public boolean cancel(String why) {
    List<Runnable> toRun;
    synchronized (callbacks) {
      if (reason != null) {
        return false;
      }
      reason = why == null ? "cancelled" : why;
      toRun = new ArrayList<>(callbacks);
      callbacks.clear();
    }
    for (Runnable r : toRun) {
      try {
        r.run();
      } catch (RuntimeException e) {
        // A faulty callback must not stop the others from running.
        org.slf4j.LoggerFactory.getLogger(CancellationToken.class)
            .warn("cancellation callback failed", e);
      }
    }
    return true;
  }
}
