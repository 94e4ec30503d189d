package io.erlmcp.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The round trip on the embedded H2 journal; needs nothing outside the JVM. */
class EmbeddedJournalRoundTripTest extends JournalRoundTrip {

  @TempDir Path dir;

  @BeforeEach
  void createSchema() {
    PersistenceConfig.prepare(config());
  }

  @Override
  Config config() {
    Config application =
        ConfigFactory.parseMap(
                java.util.Map.of("erlmcp.persistence.embedded.path", dir.resolve("journal").toString()))
            .withFallback(SERIALIZATION);
    return PersistenceConfig.forMode(PersistenceConfig.Mode.EMBEDDED, application);
  }
}
