package io.erlmcp.actors.task;

import com.typesafe.config.Config;
import io.erlmcp.persistence.PersistenceConfig;
import java.time.Duration;
import org.junit.jupiter.api.Tag;

/**
 * The restart on the Cassandra journal at {@code ERLMCP_CASSANDRA_CONTACT_POINTS} (a running
 * node is needed: make test starts one).
 */
@Tag("cassandra")
class TasksSurviveRestartCassandraTest extends TasksSurviveRestart {
  @Override
  Config config() {
    return PersistenceConfig.forMode(PersistenceConfig.Mode.CASSANDRA, node());
  }

  @Override
  Duration firstWrite() {
    return Duration.ofSeconds(60);
  }
}
