package io.erlmcp.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the configuration of Pekko Persistence for one of the two journal modes, and runs the
 * start-up step that mode needs.
 *
 * <pre>{@code
 * Config config = PersistenceConfig.load();  // application.conf + mode from erlmcp.persistence.mode
 * PersistenceConfig.prepare(config);         // before the ActorSystem starts
 * ActorSystem<Void> system = ActorSystem.create(guardian, "erlmcp", config);
 * }</pre>
 *
 * <p>Layering, first wins: JVM system properties, the chosen mode, the environment ({@code
 * ERLMCP_CASSANDRA_CONTACT_POINTS}), the application's own settings, the mode's resource file
 * ({@link Mode#resource()}), then every {@code reference.conf}. The application's settings must be
 * unresolved and without reference defaults (e.g. {@code ConfigFactory.parseString(..)} or {@link
 * ConfigFactory#defaultApplication()}), not {@code ConfigFactory.load()}: Pekko's reference
 * defaults in there would hide the mode file's plugin choice.
 */
public final class PersistenceConfig {

  /** Where the journal and snapshots live; {@code erlmcp.persistence.mode}. */
  public enum Mode {
    /** pekko-persistence-cassandra: replicated, for clusters and production. */
    CASSANDRA("erlmcp-persistence-cassandra.conf"),
    /** pekko-persistence-jdbc on an H2 file: a single JVM, no Cassandra needed. */
    EMBEDDED("erlmcp-persistence-embedded.conf");

    private final String resource;

    Mode(String resource) {
      this.resource = resource;
    }

    /** The classpath resource an application.conf may {@code include} instead. */
    public String resource() {
      return resource;
    }

    /** Parses {@code cassandra} or {@code embedded}, in any case. */
    public static Mode parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "erlmcp.persistence.mode must be one of "
                + Arrays.toString(values()).toLowerCase(Locale.ROOT)
                + ", not '"
                + text
                + "'",
            e);
      }
    }
  }

  /** Comma-separated host:port list that replaces erlmcp.persistence.cassandra.contact-points. */
  public static final String CONTACT_POINTS_ENV = "ERLMCP_CASSANDRA_CONTACT_POINTS";

  static final String MODE_PATH = "erlmcp.persistence.mode";
  static final String CONTACT_POINTS_PATH = "erlmcp.persistence.cassandra.contact-points";

  private PersistenceConfig() {}

  /** {@code application.conf} from the classpath, in the mode it names (default cassandra). */
  public static Config load() {
    return load(ConfigFactory.defaultApplication());
  }

  /** {@code application} in the mode named by its {@code erlmcp.persistence.mode}. */
  public static Config load(Config application) {
    Config defaults =
        application.withFallback(ConfigFactory.defaultReference()).resolve();
    return forMode(Mode.parse(defaults.getString(MODE_PATH)), application);
  }

  /** The resolved configuration for {@code mode}, with {@code application} over the defaults. */
  public static Config forMode(Mode mode, Config application) {
    return forMode(mode, application, System.getenv());
  }

  static Config forMode(Mode mode, Config application, Map<String, String> env) {
    Config chosen =
        ConfigFactory.parseMap(Map.of(MODE_PATH, mode.name().toLowerCase(Locale.ROOT)), "mode");
    return ConfigFactory.systemProperties()
        .withFallback(chosen)
        .withFallback(environment(env))
        .withFallback(application)
        .withFallback(ConfigFactory.parseResources(mode.resource()))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  /**
   * Does what the configured mode needs before the first persistent actor starts: for {@code
   * embedded}, creates the H2 tables ({@link EmbeddedJournalSchema#ensure}); for {@code
   * cassandra}, nothing (the plugin creates its schema when {@code schema-autocreate} is on).
   */
  public static void prepare(Config config) {
    if (modeOf(config) == Mode.EMBEDDED) {
      EmbeddedJournalSchema.ensure(config);
    }
  }

  /** The mode of a configuration built by this class. */
  public static Mode modeOf(Config config) {
    return Mode.parse(config.getString(MODE_PATH));
  }

  private static Config environment(Map<String, String> env) {
    String contactPoints = env.get(CONTACT_POINTS_ENV);
    if (contactPoints == null || contactPoints.isBlank()) {
      return ConfigFactory.empty();
    }
    List<String> list =
        Arrays.stream(contactPoints.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    return ConfigFactory.empty()
        .withValue(
            CONTACT_POINTS_PATH,
            ConfigValueFactory.fromIterable(list, "environment variable " + CONTACT_POINTS_ENV));
  }
}
