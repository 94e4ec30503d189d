package io.erlmcp.actors.task;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.erlmcp.persistence.PersistenceConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The restart on the embedded H2 journal (what --stdio uses); needs nothing outside the JVM. */
class TasksSurviveRestartEmbeddedTest extends TasksSurviveRestart {
  @TempDir Path dir;

  @BeforeEach
  void schema() {
    PersistenceConfig.prepare(config());
  }

  @Override
  Config config() {
    return PersistenceConfig.forMode(
        PersistenceConfig.Mode.EMBEDDED,
        ConfigFactory.parseMap(
                Map.of("erlmcp.persistence.embedded.path", dir.resolve("journal").toString()))
            .withFallback(node()));
  }
}
