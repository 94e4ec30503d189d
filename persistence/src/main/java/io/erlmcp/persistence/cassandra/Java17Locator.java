package io.erlmcp.persistence.cassandra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds a Java 17 executable for the Cassandra child JVM. Cassandra 5.0 does not run on newer
 * JDKs (it installs a system-wide security Policy, which Java 24+ refuses), so the caller's own
 * JDK is not necessarily usable.
 *
 * <p>Order: an explicit path, then {@code $JAVA_HOME} when its release file says 17, then the
 * Debian package location, then {@code java} on the PATH.
 */
final class Java17Locator {

  static final Path DEBIAN_JAVA_17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");

  private Java17Locator() {}

  static Path locate(Optional<Path> explicit) {
    if (explicit.isPresent()) {
      Path java = explicit.get();
      if (!Files.isExecutable(java)) {
        throw new LocalCassandraException(
            "Java executable " + java + " does not exist or is not executable");
      }
      return java;
    }
    String javaHome = System.getenv("JAVA_HOME");
    if (javaHome != null && !javaHome.isBlank()) {
      Path home = Path.of(javaHome);
      Path java = home.resolve("bin/java");
      if (isJava17(home) && Files.isExecutable(java)) {
        return java;
      }
    }
    if (Files.isExecutable(DEBIAN_JAVA_17)) {
      return DEBIAN_JAVA_17;
    }
    return onPath("java")
        .orElseThrow(
            () ->
                new LocalCassandraException(
                    "No Java 17 found: set JAVA_HOME to a JDK 17 or install openjdk-17"));
  }

  /** True when the JDK's {@code release} file declares a 17.x version. */
  static boolean isJava17(Path javaHome) {
    Path release = javaHome.resolve("release");
    if (!Files.isRegularFile(release)) {
      return false;
    }
    try {
      return Files.readAllLines(release).stream()
          .anyMatch(line -> line.startsWith("JAVA_VERSION=\"17"));
    } catch (IOException e) {
      return false;
    }
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
