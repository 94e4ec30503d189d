package io.erlmcp.persistence.cassandra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The runtime classpath of cassandra-all, computed by Maven from the standalone
 * {@code persistence/cassandra-server/pom.xml} and cached next to it in {@code target/}.
 *
 * <p>The cache is rebuilt when it is missing, older than the pom, or names a jar that no longer
 * exists (for instance after the local Maven repository was cleaned).
 */
final class ServerClasspath {

  static final String POM_PROPERTY = "erlmcp.cassandra.server-pom";
  static final String POM_ENV = "ERLMCP_CASSANDRA_SERVER_POM";
  private static final String RELATIVE_POM = "cassandra-server/pom.xml";
  private static final long MAVEN_TIMEOUT_MINUTES = 15;

  private ServerClasspath() {}

  /**
   * Finds the server pom: the system property, then the environment variable, then a walk up
   * from the working directory looking for {@code [persistence/]cassandra-server/pom.xml}.
   */
  static Path locatePom() {
    String configured = System.getProperty(POM_PROPERTY, System.getenv(POM_ENV));
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      for (Path candidate :
          List.of(dir.resolve(RELATIVE_POM), dir.resolve("persistence").resolve(RELATIVE_POM))) {
        if (Files.isRegularFile(candidate)) {
          return candidate;
        }
      }
    }
    throw new LocalCassandraException(
        "Cannot find persistence/cassandra-server/pom.xml above "
            + Path.of("").toAbsolutePath()
            + "; set -D"
            + POM_PROPERTY
            + " or "
            + POM_ENV);
  }

  /** Returns the classpath, running Maven first when the cache is stale. */
  static String resolve(Path pom) {
    Path cache = pom.resolveSibling("target").resolve("cassandra.classpath");
    try {
      if (!isFresh(cache, pom)) {
        build(pom, cache);
      }
      String classpath = Files.readString(cache, StandardCharsets.UTF_8).trim();
      if (classpath.isEmpty()) {
        throw new LocalCassandraException("Maven wrote an empty classpath to " + cache);
      }
      return classpath;
    } catch (IOException e) {
      throw new LocalCassandraException("Cannot read the Cassandra classpath " + cache, e);
    }
  }

  private static boolean isFresh(Path cache, Path pom) throws IOException {
    if (!Files.isRegularFile(cache)
        || Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(pom)) < 0) {
      return false;
    }
    String classpath = Files.readString(cache, StandardCharsets.UTF_8).trim();
    return !classpath.isEmpty()
        && Arrays.stream(classpath.split(java.io.File.pathSeparator))
            .allMatch(entry -> Files.exists(Path.of(entry)));
  }

  private static void build(Path pom, Path cache) throws IOException {
    Files.createDirectories(cache.getParent());
    Path log = cache.resolveSibling("cassandra-classpath-maven.log");
    Path partial = cache.resolveSibling("cassandra.classpath.tmp");
    List<String> command = new ArrayList<>();
    command.add(System.getenv().getOrDefault("ERLMCP_MVN", "mvn"));
    command.addAll(
        List.of(
            "-B",
            "-q",
            "-f",
            pom.toString(),
            "dependency:build-classpath",
            "-Dmdep.outputFile=" + partial));
    Process maven;
    try {
      maven =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
    } catch (IOException e) {
      throw new LocalCassandraException(
          "Cannot run Maven (" + command.get(0) + ") to compute the Cassandra classpath", e);
    }
    try {
      if (!maven.waitFor(MAVEN_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        maven.destroyForcibly();
        throw new LocalCassandraException(
            "Maven did not compute the Cassandra classpath within "
                + MAVEN_TIMEOUT_MINUTES
                + " min; see "
                + log);
      }
    } catch (InterruptedException e) {
      maven.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new LocalCassandraException("Interrupted while computing the Cassandra classpath", e);
    }
    if (maven.exitValue() != 0 || !Files.isRegularFile(partial)) {
      throw new LocalCassandraException(
          "Maven failed to compute the Cassandra classpath (exit "
              + maven.exitValue()
              + ") from "
              + pom
              + ":\n"
              + LogTail.of(log, 20));
    }
    Files.move(
        partial,
        cache,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
