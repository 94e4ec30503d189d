package io.erlmcp.persistence;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the tables of the embedded (H2) journal and snapshot store. pekko-persistence-jdbc
 * never creates its schema, so this runs before the ActorSystem starts; every statement is
 * {@code IF NOT EXISTS}, so running it at every start is safe.
 */
public final class EmbeddedJournalSchema {

  /** The DDL, a classpath resource of this module. */
  public static final String SCHEMA_RESOURCE = "erlmcp-persistence-h2-schema.sql";

  static final String DB_PATH = "pekko-persistence-jdbc.shared-databases.erlmcp.db";

  private EmbeddedJournalSchema() {}

  /**
   * Creates the tables in the database configured at {@code
   * pekko-persistence-jdbc.shared-databases.erlmcp.db} (see erlmcp-persistence-embedded.conf).
   *
   * @throws IllegalStateException when the database cannot be opened or a statement fails
   */
  public static void ensure(Config config) {
    Config db = config.getConfig(DB_PATH);
    String url = db.getString("url");
    createParentDirectory(config);
    try (Connection connection =
            DriverManager.getConnection(url, db.getString("user"), db.getString("password"));
        Statement statement = connection.createStatement()) {
      for (String sql : statements()) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create the embedded journal schema in " + url, e);
    }
  }

  /** The DDL statements, in order. */
  static List<String> statements() {
    String script;
    try (InputStream in = EmbeddedJournalSchema.class.getClassLoader().getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Missing classpath resource " + SCHEMA_RESOURCE);
      }
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read " + SCHEMA_RESOURCE, e);
    }
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.lines().toList()) {
      if (line.isBlank() || line.stripLeading().startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (line.stripTrailing().endsWith(";")) {
        String sql = current.toString().strip();
        statements.add(sql.substring(0, sql.length() - 1));
        current.setLength(0);
      }
    }
    return statements;
  }

  private static void createParentDirectory(Config config) {
    if (!config.hasPath("erlmcp.persistence.embedded.path")) {
      return;
    }
    Path parent = Path.of(config.getString("erlmcp.persistence.embedded.path")).toAbsolutePath().getParent();
    try {
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot create the embedded journal directory " + parent, e);
    }
  }
}
