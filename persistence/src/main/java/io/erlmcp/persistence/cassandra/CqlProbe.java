package io.erlmcp.persistence.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.internal.core.loadbalancing.DcInferringLoadBalancingPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks a node whether it serves CQL, the only readiness signal that matters to clients: a cheap
 * TCP connect first, then a real driver session running {@code SELECT release_version FROM
 * system.local}.
 */
final class CqlProbe {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private CqlProbe() {}

  static boolean portOpen(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Loads and initialises the driver while the node boots, so the first real probe does not pay
   * several seconds of class loading after CQL is already up. A failed session attempt against a
   * closed port is enough.
   */
  static void warmUpInBackground(String host, int port) {
    Thread warmUp = new Thread(() -> session(host, port), "cql-probe-warm-up");
    warmUp.setDaemon(true);
    warmUp.start();
  }

  /** The node's release version, or empty when nothing answers CQL at host:port. */
  static Optional<String> releaseVersion(String host, int port) {
    if (!portOpen(host, port)) {
      return Optional.empty();
    }
    return session(host, port);
  }

  private static Optional<String> session(String host, int port) {
    DriverConfigLoader config =
        DriverConfigLoader.programmaticBuilder()
            // Infer the datacenter from the contact point: the probe must also recognise a node
            // that someone else configured with another datacenter name.
            .withClass(
                DefaultDriverOption.LOAD_BALANCING_POLICY_CLASS,
                DcInferringLoadBalancingPolicy.class)
            .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, TIMEOUT)
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, TIMEOUT)
            .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, TIMEOUT)
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, TIMEOUT)
            .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, TIMEOUT)
            .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
            .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false)
            // The probe is short-lived: do not linger 2 s in Netty's shutdown quiet period.
            .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
            .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
            .build();
    try (CqlSession session =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress(host, port))
            .withConfigLoader(config)
            .build()) {
      Row row = session.execute("SELECT release_version FROM system.local").one();
      return Optional.of(row == null ? "unknown" : row.getString("release_version"));
    } catch (DriverException | IllegalStateException e) {
      return Optional.empty();
    }
  }
}
