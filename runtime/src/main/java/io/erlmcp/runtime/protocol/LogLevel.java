package io.erlmcp.runtime.protocol;

import java.util.Locale;
import java.util.Optional;

/** The syslog severities of {@code logging/setLevel} and {@code notifications/message}, lowest first. */
public enum LogLevel {
  DEBUG,
  INFO,
  NOTICE,
  WARNING,
  ERROR,
  CRITICAL,
  ALERT,
  EMERGENCY;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<LogLevel> parse(String s) {
    if (s == null) {
      return Optional.empty();
    }
    for (LogLevel l : values()) {
      if (l.wireName().equals(s)) {
        return Optional.of(l);
      }
    }
    return Optional.empty();
  }

  /** Whether a message at this level passes a session threshold (null threshold: all pass). */
  public boolean passes(LogLevel threshold) {
    return threshold == null || compareTo(threshold) >= 0;
  }
}
