package io.erlmcp.persistence;

import com.typesafe.config.Config;
import io.erlmcp.persistence.cassandra.LocalCassandraExtension;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The round trip on Cassandra at {@code ERLMCP_CASSANDRA_CONTACT_POINTS} (default
 * 127.0.0.1:9042); {@link LocalCassandraExtension} starts a local node there when none answers.
 */
@Tag("cassandra")
@ExtendWith(LocalCassandraExtension.class)
class CassandraJournalRoundTripTest extends JournalRoundTrip {

  @Override
  Config config() {
    return PersistenceConfig.forMode(PersistenceConfig.Mode.CASSANDRA, SERIALIZATION);
  }

  /** Creating two keyspaces and their tables on a fresh node takes a few seconds. */
  @Override
  Duration firstWriteTimeout() {
    return Duration.ofSeconds(60);
  }
}
