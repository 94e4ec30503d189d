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
    // The first write of a fresh ActorSystem connects the plugin and prepares its statements:
    // on a loaded machine that can take longer than the default 10 s ask.
    return PersistenceConfig.forMode(
        PersistenceConfig.Mode.CASSANDRA,
        com.typesafe.config.ConfigFactory.parseString(
                "erlmcp.tasks.ask-timeout = 60s\nerlmcp.session.ask-timeout = 60s")
            .withFallback(node()));
  }

  @Override
  Duration firstWrite() {
    return Duration.ofSeconds(60);
  }
}
