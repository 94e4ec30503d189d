package io.erlmcp.persistence;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
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
 * <p>Layering, first wins: JVM system properties, the chosen mode, the environment (below), the
 * application's own settings, the mode's resource file ({@link Mode#resource()}), then every
 * {@code reference.conf}. The environment variables:
 * {@code ERLMCP_CASSANDRA_CONTACT_POINTS}, {@code ERLMCP_CASSANDRA_REPLICATION_FACTOR}, {@code
 * ERLMCP_CASSANDRA_WRITE_CONSISTENCY} and {@code ERLMCP_CASSANDRA_READ_CONSISTENCY}. The application's settings must be
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

  /**
   * Replication factor of the keyspaces the plugin autocreates (replaces {@code
   * erlmcp.persistence.cassandra.replication-factor}): 3 on a three-node Cassandra.
   */
  public static final String REPLICATION_FACTOR_ENV = "ERLMCP_CASSANDRA_REPLICATION_FACTOR";

  /** Consistency level of journal and snapshot writes, e.g. {@code QUORUM}. */
  public static final String WRITE_CONSISTENCY_ENV = "ERLMCP_CASSANDRA_WRITE_CONSISTENCY";

  /** Consistency level of recovery, queries and snapshot loads, e.g. {@code QUORUM}. */
  public static final String READ_CONSISTENCY_ENV = "ERLMCP_CASSANDRA_READ_CONSISTENCY";

  static final String MODE_PATH = "erlmcp.persistence.mode";
  static final String CONTACT_POINTS_PATH = "erlmcp.persistence.cassandra.contact-points";
  static final String REPLICATION_FACTOR_PATH = "erlmcp.persistence.cassandra.replication-factor";
  static final String WRITE_CONSISTENCY_PATH = "erlmcp.persistence.cassandra.write-consistency";
  static final String READ_CONSISTENCY_PATH = "erlmcp.persistence.cassandra.read-consistency";

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
   * cassandra}, when {@code schema-autocreate} is on with more than one replica, creates the two
   * keyspaces and waits until every Cassandra node knows them (the plugin creates the tables; see
   * {@link CassandraKeyspaces} for why it cannot be left the keyspaces on a multi-node cluster).
   */
  public static void prepare(Config config) {
    if (modeOf(config) == Mode.EMBEDDED) {
      EmbeddedJournalSchema.ensure(config);
    } else if (CassandraKeyspaces.needed(config)) {
      CassandraKeyspaces.ensure(config);
    }
  }

  /** The mode of a configuration built by this class. */
  public static Mode modeOf(Config config) {
    return Mode.parse(config.getString(MODE_PATH));
  }

  private static Config environment(Map<String, String> env) {
    Config config = ConfigFactory.empty();
    String contactPoints = present(env, CONTACT_POINTS_ENV);
    if (contactPoints != null) {
      List<String> list =
          Arrays.stream(contactPoints.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
      config = with(config, CONTACT_POINTS_PATH, list, CONTACT_POINTS_ENV);
    }
    String replicationFactor = present(env, REPLICATION_FACTOR_ENV);
    if (replicationFactor != null) {
      config =
          with(
              config,
              REPLICATION_FACTOR_PATH,
              replicationFactor(replicationFactor),
              REPLICATION_FACTOR_ENV);
    }
    String write = present(env, WRITE_CONSISTENCY_ENV);
    if (write != null) {
      config =
          with(config, WRITE_CONSISTENCY_PATH, consistency(write, WRITE_CONSISTENCY_ENV), WRITE_CONSISTENCY_ENV);
    }
    String read = present(env, READ_CONSISTENCY_ENV);
    if (read != null) {
      config =
          with(config, READ_CONSISTENCY_PATH, consistency(read, READ_CONSISTENCY_ENV), READ_CONSISTENCY_ENV);
    }
    return config;
  }

  private static String present(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static Config with(Config config, String path, Object value, String variable) {
    return config.withValue(
        path, ConfigValueFactory.fromAnyRef(value, "environment variable " + variable));
  }

  private static int replicationFactor(String text) {
    try {
      int factor = Integer.parseInt(text);
      if (factor >= 1) {
        return factor;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        REPLICATION_FACTOR_ENV + " must be a positive number, not '" + text + "'");
  }

  /** A consistency level the driver knows ({@code DefaultConsistencyLevel}), in upper case. */
  private static String consistency(String text, String variable) {
    String level = text.toUpperCase(Locale.ROOT);
    try {
      return DefaultConsistencyLevel.valueOf(level).name();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          variable
              + " must be one of "
              + Arrays.toString(DefaultConsistencyLevel.values())
              + ", not '"
              + text
              + "'",
          e);
    }
  }
}
