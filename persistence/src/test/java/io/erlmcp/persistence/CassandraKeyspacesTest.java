package io.erlmcp.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CassandraKeyspacesTest {

  private static Config cassandra(String settings) {
    return PersistenceConfig.forMode(
        PersistenceConfig.Mode.CASSANDRA,
        ConfigFactory.parseString("erlmcp.persistence.cassandra { " + settings + " }"),
        Map.of());
  }

  @Test
  void onlyKeyspacesWithSeveralReplicasAreCreatedBeforehand() {
    assertFalse(CassandraKeyspaces.needed(cassandra("")), "one dev node: the plugin does it all");
    assertTrue(CassandraKeyspaces.needed(cassandra("replication-factor = 3")));
    assertFalse(
        CassandraKeyspaces.needed(cassandra("replication-factor = 3, schema-autocreate = off")),
        "production creates its schema deliberately");
    assertTrue(
        CassandraKeyspaces.needed(
            cassandra(
                "replication-strategy = NetworkTopologyStrategy, data-center-replication-factors = [\"dc1:3\"]")));
  }

  @Test
  void theReplicationMapFollowsTheStrategy() {
    assertEquals(
        "{'class': 'SimpleStrategy', 'replication_factor': 3}",
        CassandraKeyspaces.replication(
            cassandra("replication-factor = 3").getConfig("erlmcp.persistence.cassandra")));
    assertEquals(
        "{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}",
        CassandraKeyspaces.replication(
            cassandra(
                    "replication-strategy = NetworkTopologyStrategy,"
                        + " data-center-replication-factors = [\"dc1:3\", \"dc2:2\"]")
                .getConfig("erlmcp.persistence.cassandra")));
  }
}
