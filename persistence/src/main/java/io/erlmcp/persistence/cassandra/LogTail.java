package io.erlmcp.persistence.cassandra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The last lines of a log file, for error messages. */
final class LogTail {

  private LogTail() {}

  static String of(Path file, int lines) {
    if (!Files.isRegularFile(file)) {
      return "  (" + file + " does not exist)";
    }
    try {
      // Decoding by hand replaces malformed bytes instead of failing on them.
      List<String> all =
          new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
      List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
      if (tail.isEmpty()) {
        return "  (" + file + " is empty)";
      }
      return "  --- last " + tail.size() + " lines of " + file + " ---\n  " + String.join("\n  ", tail);
    } catch (IOException e) {
      return "  (cannot read " + file + ": " + e.getMessage() + ")";
    }
  }
}
