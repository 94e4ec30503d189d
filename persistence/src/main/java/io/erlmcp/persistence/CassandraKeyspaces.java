package io.erlmcp.persistence;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.typesafe.config.Config;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the journal and snapshot keyspaces, with the configured replication, before the plugin
 * creates its tables, and waits until every Cassandra node knows them.
 *
 * <p>Why: pekko-persistence-cassandra 1.1 turns the driver's schema metadata off while it creates
 * its schema, which also turns off the driver's wait for schema agreement after each statement.
 * On a multi-node Cassandra its {@code CREATE TABLE} then reaches another coordinator than its
 * {@code CREATE KEYSPACE} a few milliseconds later, fails with "Keyspace 'erlmcp' doesn't
 * exist", and the plugin never retries: the node's journal stays unusable. Seen on three local
 * Cassandra 5.0 nodes with RF 3. Once the keyspaces exist everywhere, the plugin's own {@code
 * CREATE KEYSPACE IF NOT EXISTS} does nothing and its tables land in existing keyspaces.
 */
final class CassandraKeyspaces {

  private static final Logger log = LoggerFactory.getLogger(CassandraKeyspaces.class);
  private static final String SETTINGS = "erlmcp.persistence.cassandra";

  private CassandraKeyspaces() {}

  /** Whether the keyspaces are autocreated with more than one replica (so on several nodes). */
  static boolean needed(Config config) {
    Config c = config.getConfig(SETTINGS);
    return c.getBoolean("schema-autocreate")
        && (c.getInt("replication-factor") > 1
            || !c.getStringList("data-center-replication-factors").isEmpty());
  }

  /**
   * Best effort: when Cassandra cannot be reached or a statement fails, logs why and returns (the
   * plugin then tries on its own, as it does without this step).
   */
  static void ensure(Config config) {
    Config c = config.getConfig(SETTINGS);
    Duration timeout = c.getDuration("default-request-timeout");
    DriverConfigLoader driver =
        DriverConfigLoader.programmaticBuilder()
            .withString(
                DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, c.getString("local-datacenter"))
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, timeout)
            .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, timeout)
            .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false)
            .build();
    List<InetSocketAddress> points = new ArrayList<>();
    for (String point : c.getStringList("contact-points")) {
      int colon = point.lastIndexOf(':');
      points.add(
          InetSocketAddress.createUnresolved(
              point.substring(0, colon), Integer.parseInt(point.substring(colon + 1))));
    }
    String replication = replication(c);
    try (CqlSession session =
        CqlSession.builder().addContactPoints(points).withConfigLoader(driver).build()) {
      for (String keyspace : List.of(c.getString("journal-keyspace"), c.getString("snapshot-keyspace"))) {
        // With schema metadata on (the default), the driver waits for agreement after each DDL.
        session.execute(
            "CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = " + replication);
      }
      if (!session.checkSchemaAgreement()) {
        log.warn("Cassandra nodes do not agree on the schema yet after creating the keyspaces");
      }
    } catch (DriverException | IllegalStateException e) {
      log.warn("Could not create the keyspaces beforehand ({}); the journal plugin will try", e.toString());
    }
  }

  /** The CQL replication map of the configured strategy. */
  static String replication(Config c) {
    String strategy = c.getString("replication-strategy");
    if (strategy.equals("NetworkTopologyStrategy")) {
      StringBuilder map = new StringBuilder("{'class': 'NetworkTopologyStrategy'");
      for (String dcFactor : c.getStringList("data-center-replication-factors")) {
        int colon = dcFactor.lastIndexOf(':');
        map.append(", '")
            .append(dcFactor, 0, colon)
            .append("': ")
            .append(Integer.parseInt(dcFactor.substring(colon + 1)));
      }
      return map.append('}').toString();
    }
    return "{'class': '" + strategy + "', 'replication_factor': " + c.getInt("replication-factor") + "}";
  }
}
