package io.erlmcp.persistence.cassandra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of one local node, all under its directory: configuration written at every start,
 * data directories, logs and the pidfile.
 */
record NodeFiles(Path dir) {

  NodeFiles {
    dir = dir.toAbsolutePath().normalize();
  }

  Path yaml() {
    return dir.resolve("cassandra.yaml");
  }

  Path logbackXml() {
    return dir.resolve("logback.xml");
  }

  Path pidFile() {
    return dir.resolve("cassandra.pid");
  }

  Path logDir() {
    return dir.resolve("logs");
  }

  /** Cassandra's own log, written by the logback.xml below. */
  Path systemLog() {
    return logDir().resolve("system.log");
  }

  /** The child JVM's stdout and stderr: JVM errors that happen before logging starts. */
  Path consoleLog() {
    return logDir().resolve("console.log");
  }

  /** Creates the directories and (re)writes cassandra.yaml and logback.xml. */
  void write(LocalCassandra.Settings settings) throws IOException {
    for (String sub : new String[] {"data", "commitlog", "saved_caches", "hints", "cdc_raw", "logs"}) {
      Files.createDirectories(dir.resolve(sub));
    }
    Files.writeString(yaml(), yamlText(settings), StandardCharsets.UTF_8);
    Files.writeString(logbackXml(), logbackText(), StandardCharsets.UTF_8);
  }

  /**
   * A deliberately small cassandra.yaml: everything not listed keeps Cassandra's built-in
   * default. Only loopback addresses, so the node is never reachable from other machines.
   */
  private String yamlText(LocalCassandra.Settings s) {
    String host = s.host();
    return String.join(
        "\n",
        "# Written by io.erlmcp.persistence.cassandra.LocalCassandra at every start; edits are lost.",
        "cluster_name: '" + s.clusterName() + "'",
        "num_tokens: 16",
        "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
        "endpoint_snitch: SimpleSnitch",
        "data_file_directories:",
        "  - " + dir.resolve("data"),
        "commitlog_directory: " + dir.resolve("commitlog"),
        "saved_caches_directory: " + dir.resolve("saved_caches"),
        "hints_directory: " + dir.resolve("hints"),
        "cdc_raw_directory: " + dir.resolve("cdc_raw"),
        "commitlog_sync: periodic",
        "commitlog_sync_period: 10000ms",
        "seed_provider:",
        "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
        "    parameters:",
        "      - seeds: \"" + seeds(s) + "\"",
        "listen_address: " + host,
        "rpc_address: " + host,
        "storage_port: " + s.storagePort(),
        "start_native_transport: true",
        "native_transport_port: " + s.nativePort(),
        "authenticator: AllowAllAuthenticator",
        "authorizer: AllowAllAuthorizer",
        "");
  }

  private static String seeds(LocalCassandra.Settings s) {
    return s.clustered() ? String.join(",", s.seeds()) : s.host() + ":" + s.storagePort();
  }

  private String logbackText() {
    return String.join(
        "\n",
        "<!-- Written by LocalCassandra at every start; edits are lost. -->",
        "<configuration>",
        "  <appender name=\"FILE\" class=\"ch.qos.logback.core.FileAppender\">",
        "    <file>" + systemLog() + "</file>",
        "    <encoder><pattern>%-5level [%thread] %date{ISO8601} %logger{20} %msg%n</pattern></encoder>",
        "  </appender>",
        "  <appender name=\"CONSOLE\" class=\"ch.qos.logback.core.ConsoleAppender\">",
        "    <filter class=\"ch.qos.logback.classic.filter.ThresholdFilter\"><level>WARN</level></filter>",
        "    <encoder><pattern>%-5level %date{HH:mm:ss.SSS} %logger{20} %msg%n</pattern></encoder>",
        "  </appender>",
        "  <root level=\"INFO\">",
        "    <appender-ref ref=\"FILE\"/>",
        "    <appender-ref ref=\"CONSOLE\"/>",
        "  </root>",
        "</configuration>",
        "");
  }
}
