package io.erlmcp.persistence.cassandra;

import io.erlmcp.persistence.PersistenceConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Makes sure Cassandra answers at the first of {@code ERLMCP_CASSANDRA_CONTACT_POINTS} (default
 * 127.0.0.1:9042) before a test class runs. When nothing answers there and the address is local,
 * it starts a {@link LocalCassandra} in {@code target/cassandra-test} once for the whole test run
 * and stops it when the run ends; a node that was already running is used and left running.
 *
 * <p>The node's storage port comes from {@code ERLMCP_CASSANDRA_STORAGE_PORT}, else the native
 * port minus 2042 (9042 gives 7000, 19042 gives 17000).
 */
public final class LocalCassandraExtension implements BeforeAllCallback {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LocalCassandraExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent("node", key -> Node.ensure(), Node.class);
  }

  /** The node for this test run; closed by JUnit when the root context ends. */
  static final class Node implements ExtensionContext.Store.CloseableResource {

    private final LocalCassandra cassandra;
    private final boolean spawned;

    private Node(LocalCassandra cassandra, boolean spawned) {
      this.cassandra = cassandra;
      this.spawned = spawned;
    }

    static Node ensure() {
      String contactPoints =
          System.getenv().getOrDefault(PersistenceConfig.CONTACT_POINTS_ENV, "127.0.0.1:9042");
      String first = contactPoints.split(",")[0].trim();
      int colon = first.lastIndexOf(':');
      String host = colon < 0 ? first : first.substring(0, colon);
      int nativePort = colon < 0 ? 9042 : Integer.parseInt(first.substring(colon + 1));
      int storagePort =
          Integer.parseInt(
              System.getenv()
                  .getOrDefault("ERLMCP_CASSANDRA_STORAGE_PORT", Integer.toString(nativePort - 2042)));
      LocalCassandra.Settings settings =
          LocalCassandra.Settings.defaults(Path.of("target", "cassandra-test"))
              .withPorts(nativePort, storagePort)
              .withStartTimeout(Duration.ofSeconds(180));
      if (!isLoopback(host)) {
        if (new LocalCassandra(settings).status().ready()) {
          return new Node(null, false);
        }
        throw new LocalCassandraException(
            "No Cassandra answers at " + first + " and it is not a local address to start one on");
      }
      LocalCassandra cassandra = new LocalCassandra(settings);
      LocalCassandra.Started started = cassandra.start();
      System.out.printf(
          "Cassandra %s %s on %s:%d in %d ms%n",
          started.releaseVersion(),
          started.spawned() ? "started" : "already running",
          host,
          nativePort,
          started.elapsed().toMillis());
      return new Node(cassandra, started.spawned());
    }

    private static boolean isLoopback(String host) {
      try {
        return InetAddress.getByName(host).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }

    @Override
    public void close() {
      if (spawned) {
        cassandra.stop();
      }
    }
  }
}
