package io.erlmcp.runtime.tasks;

import java.time.Duration;

/**
 * Tunables of tasks ({@code erlmcp.tasks} in configuration).
 *
 * @param defaultTtl how long a task is kept after its creation when the client asks for no ttl
 * @param maxTtl the longest ttl a client may ask for (longer requests are cut to it)
 * @param pollInterval the polling interval suggested to clients
 * @param runTimeout how long a task's handler may run before the task fails
 * @param maxRunning task handlers one process runs at once; past it a new task is refused
 *     (-32603 "Server busy") rather than queued without bound
 */
public record TaskSettings(
    Duration defaultTtl,
    Duration maxTtl,
    Duration pollInterval,
    Duration runTimeout,
    int maxRunning) {
  public static final TaskSettings DEFAULT =
      new TaskSettings(
          Duration.ofHours(1),
          Duration.ofDays(1),
          Duration.ofMillis(500),
          Duration.ofHours(1),
          1000);

  public TaskSettings {
    if (defaultTtl.isNegative() || defaultTtl.isZero() || maxTtl.compareTo(defaultTtl) < 0) {
      throw new IllegalArgumentException("task ttl: need 0 < default-ttl <= max-ttl");
    }
    if (pollInterval.isNegative() || pollInterval.isZero() || runTimeout.isNegative()
        || runTimeout.isZero()) {
      throw new IllegalArgumentException("task poll-interval and run-timeout must be positive");
    }
    if (maxRunning < 1) {
      throw new IllegalArgumentException("task max-running must be at least 1");
    }
  }

  /** The ttl of a new task: the client's wish (ms, null for none) within the bounds. */
  public long ttlFor(Long requestedMillis) {
    if (requestedMillis == null || requestedMillis <= 0) {
      return defaultTtl.toMillis();
    }
    return Math.min(requestedMillis, maxTtl.toMillis());
  }
}
