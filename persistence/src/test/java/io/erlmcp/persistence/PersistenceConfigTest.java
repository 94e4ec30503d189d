package io.erlmcp.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistenceConfigTest {

  @TempDir Path dir;

  @Test
  void cassandraModeWiresThePluginsKeyspacesAndConsistency() {
    Config config =
        PersistenceConfig.forMode(PersistenceConfig.Mode.CASSANDRA, ConfigFactory.empty(), Map.of());

    assertEquals("pekko.persistence.cassandra.journal", config.getString("pekko.persistence.journal.plugin"));
    assertEquals(
        "pekko.persistence.cassandra.snapshot", config.getString("pekko.persistence.snapshot-store.plugin"));
    assertEquals("erlmcp", config.getString("pekko.persistence.cassandra.journal.keyspace"));
    assertEquals("erlmcp_snapshot", config.getString("pekko.persistence.cassandra.snapshot.keyspace"));
    assertEquals(List.of("127.0.0.1:9042"), config.getStringList("datastax-java-driver.basic.contact-points"));
    assertEquals(
        "datacenter1",
        config.getString("datastax-java-driver.basic.load-balancing-policy.local-datacenter"));
    String write = config.getString("pekko.persistence.cassandra.write-profile");
    String read = config.getString("pekko.persistence.cassandra.snapshot.read-profile");
    assertEquals(
        "LOCAL_QUORUM",
        config.getString("datastax-java-driver.profiles." + write + ".basic.request.consistency"));
    assertEquals(
        "LOCAL_QUORUM",
        config.getString("datastax-java-driver.profiles." + read + ".basic.request.consistency"));
    assertEquals(
        java.time.Duration.ofSeconds(5),
        config.getDuration("datastax-java-driver.profiles." + write + ".basic.request.timeout"));
    assertEquals(
        java.time.Duration.ofSeconds(30),
        config.getDuration("datastax-java-driver.basic.request.timeout"),
        "schema creation runs on the default profile and needs more than the driver's 2 s");
    assertEquals(PersistenceConfig.Mode.CASSANDRA, PersistenceConfig.modeOf(config));
  }

  @Test
  void contactPointsFromTheEnvironmentReplaceTheDefaultList() {
    Config config =
        PersistenceConfig.forMode(
            PersistenceConfig.Mode.CASSANDRA,
            ConfigFactory.empty(),
            Map.of(PersistenceConfig.CONTACT_POINTS_ENV, "10.0.0.1:9042, 10.0.0.2:9042"));

    assertEquals(
        List.of("10.0.0.1:9042", "10.0.0.2:9042"),
        config.getStringList("datastax-java-driver.basic.contact-points"));
  }

  @Test
  void aThreeNodeCassandraIsSelectedByTheEnvironment() {
    Config config =
        PersistenceConfig.forMode(
            PersistenceConfig.Mode.CASSANDRA,
            ConfigFactory.empty(),
            Map.of(
                PersistenceConfig.REPLICATION_FACTOR_ENV, "3",
                PersistenceConfig.WRITE_CONSISTENCY_ENV, "quorum",
                PersistenceConfig.READ_CONSISTENCY_ENV, "QUORUM"));

    assertEquals(3, config.getInt("pekko.persistence.cassandra.journal.replication-factor"));
    assertEquals(3, config.getInt("pekko.persistence.cassandra.snapshot.replication-factor"));
    for (String profile :
        List.of(
            config.getString("pekko.persistence.cassandra.write-profile"),
            config.getString("pekko.persistence.cassandra.read-profile"),
            config.getString("pekko.persistence.cassandra.query.read-profile"),
            config.getString("pekko.persistence.cassandra.snapshot.write-profile"),
            config.getString("pekko.persistence.cassandra.snapshot.read-profile"))) {
      assertEquals(
          "QUORUM",
          config.getString("datastax-java-driver.profiles." + profile + ".basic.request.consistency"),
          profile);
    }
  }

  @Test
  void withoutTheEnvironmentOneReplicaAndLocalQuorumStay() {
    Config config =
        PersistenceConfig.forMode(PersistenceConfig.Mode.CASSANDRA, ConfigFactory.empty(), Map.of());

    assertEquals(1, config.getInt("pekko.persistence.cassandra.journal.replication-factor"));
    assertEquals(1, config.getInt("pekko.persistence.cassandra.snapshot.replication-factor"));
  }

  @Test
  void aBadReplicationFactorOrConsistencyIsRefusedWithTheVariableNamed() {
    assertRefused(PersistenceConfig.REPLICATION_FACTOR_ENV, "0");
    assertRefused(PersistenceConfig.WRITE_CONSISTENCY_ENV, "MOST");
  }

  private static void assertRefused(String variable, String value) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PersistenceConfig.forMode(
                    PersistenceConfig.Mode.CASSANDRA, ConfigFactory.empty(), Map.of(variable, value)));
    assertTrue(e.getMessage().contains(variable), e.getMessage());
  }

  @Test
  void applicationSettingsOverrideTheDefaults() {
    Config config =
        PersistenceConfig.forMode(
            PersistenceConfig.Mode.CASSANDRA,
            ConfigFactory.parseString(
                "erlmcp.persistence.cassandra { journal-keyspace = other, replication-factor = 3 }"),
            Map.of());

    assertEquals("other", config.getString("pekko.persistence.cassandra.journal.keyspace"));
    assertEquals(3, config.getInt("pekko.persistence.cassandra.journal.replication-factor"));
  }

  @Test
  void loadTakesTheModeFromTheApplication() {
    Config config = PersistenceConfig.load(ConfigFactory.parseString("erlmcp.persistence.mode = embedded"));

    assertEquals(PersistenceConfig.Mode.EMBEDDED, PersistenceConfig.modeOf(config));
    assertEquals("jdbc-journal", config.getString("pekko.persistence.journal.plugin"));
    assertEquals("jdbc-snapshot-store", config.getString("pekko.persistence.snapshot-store.plugin"));
  }

  @Test
  void unknownModeNamesTheValidOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PersistenceConfig.Mode.parse("mongo"));

    assertTrue(e.getMessage().contains("[cassandra, embedded]"), e.getMessage());
  }

  @Test
  void embeddedSchemaCanBeCreatedTwice() throws SQLException {
    Config config =
        PersistenceConfig.forMode(
            PersistenceConfig.Mode.EMBEDDED,
            ConfigFactory.parseMap(
                Map.of("erlmcp.persistence.embedded.path", dir.resolve("sub/journal").toString())),
            Map.of());

    PersistenceConfig.prepare(config);
    PersistenceConfig.prepare(config);

    String url = config.getString("pekko-persistence-jdbc.shared-databases.erlmcp.db.url");
    try (Connection connection = DriverManager.getConnection(url, "erlmcp", "");
        ResultSet tables =
            connection
                .createStatement()
                .executeQuery(
                    "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'"
                        + " AND TABLE_NAME IN ('event_journal', 'event_tag', 'snapshot')")) {
      tables.next();
      assertEquals(3, tables.getInt(1));
    }
  }
}
