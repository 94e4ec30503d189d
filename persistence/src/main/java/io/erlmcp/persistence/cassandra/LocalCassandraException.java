package io.erlmcp.persistence.cassandra;

/**
 * A local Cassandra node could not be started, probed or stopped. The message is meant for a
 * human: it names the cause and, when the node itself failed, ends with the tail of its logs.
 */
public final class LocalCassandraException extends RuntimeException {

  public LocalCassandraException(String message) {
    super(message);
  }

  public LocalCassandraException(String message, Throwable cause) {
    super(message, cause);
  }
}
