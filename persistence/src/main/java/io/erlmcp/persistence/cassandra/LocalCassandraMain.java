package io.erlmcp.persistence.cassandra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Command line for {@link LocalCassandra}, used by {@code bin/cassandra}.
 *
 * <pre>
 * LocalCassandraMain start|stop|status [--dir DIR] [--host ADDR] [--port N] [--storage-port N]
 *                    [--seeds HOST:PORT,...] [--cluster-name NAME] [--heap SIZE]
 *                    [--timeout SECONDS] [--foreground]
 * </pre>
 *
 * <p>{@code start} returns once CQL answers, leaving the node running in its own session;
 * with {@code --foreground} it stays attached and stops the node on Ctrl-C or SIGTERM. Exit
 * codes: 0 done (for {@code status}: ready), 1 failed (for {@code status}: not running), 2 usage.
 */
public final class LocalCassandraMain {

  static final String USAGE =
      "usage: cassandra start|stop|status [--dir DIR] [--host ADDR] [--port N] [--storage-port N]"
          + " [--seeds HOST:PORT,...] [--cluster-name NAME] [--heap SIZE] [--timeout SECONDS]"
          + " [--foreground]";

  private LocalCassandraMain() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run(args);
    } catch (UsageException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      code = 2;
    } catch (LocalCassandraException e) {
      System.err.println("cassandra: " + e.getMessage());
      code = 1;
    }
    // The driver's and Netty's threads must not keep a finished command alive.
    System.exit(code);
  }

  static int run(String[] args) {
    if (args.length == 0) {
      throw new UsageException("missing command");
    }
    String command = args[0];
    Path dir = Path.of("var/cassandra");
    String host = null;
    int nativePort = LocalCassandra.Settings.DEFAULT_NATIVE_PORT;
    int storagePort = LocalCassandra.Settings.DEFAULT_STORAGE_PORT;
    List<String> seeds = List.of();
    String clusterName = null;
    String heap = null;
    Duration timeout = null;
    boolean foreground = false;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--dir" -> dir = Path.of(value(args, ++i));
        case "--host" -> host = value(args, ++i);
        case "--port" -> nativePort = port(value(args, ++i));
        case "--storage-port" -> storagePort = port(value(args, ++i));
        case "--seeds" -> seeds = seeds(value(args, ++i));
        case "--cluster-name" -> clusterName = value(args, ++i);
        case "--heap" -> heap = value(args, ++i);
        case "--timeout" -> timeout = Duration.ofSeconds(positive(value(args, ++i)));
        case "--foreground" -> foreground = true;
        default -> throw new UsageException("unknown option " + args[i]);
      }
    }
    LocalCassandra.Settings settings =
        LocalCassandra.Settings.defaults(dir)
            .withPorts(nativePort, storagePort)
            .withSeeds(seeds)
            .withDetach(!foreground);
    if (clusterName != null) {
      settings = settings.withClusterName(clusterName);
    }
    if (host != null) {
      settings = settings.withHost(host);
    }
    if (heap != null) {
      settings = settings.withMaxHeap(heap);
    }
    if (timeout != null) {
      settings = settings.withStartTimeout(timeout);
    }
    LocalCassandra node = new LocalCassandra(settings);
    return switch (command) {
      case "start" -> start(node, foreground);
      case "stop" -> stop(node);
      case "status" -> status(node);
      default -> throw new UsageException("unknown command " + command);
    };
  }

  private static int start(LocalCassandra node, boolean foreground) {
    LocalCassandra.Settings s = node.settings();
    String address = s.host() + ":" + s.nativePort();
    LocalCassandra.Started started = node.start();
    if (!started.spawned()) {
      System.out.printf(
          "Cassandra %s already answers CQL on %s (%s); nothing started%n",
          started.releaseVersion(),
          address,
          started.pid().map(pid -> "pid " + pid + ", dir " + s.dir()).orElse("not from " + s.dir()));
      return 0;
    }
    System.out.printf(
        Locale.ROOT,
        "Cassandra %s ready on %s (pid %d) in %.1f s; logs: %s%n",
        started.releaseVersion(),
        address,
        started.pid().orElse(-1L),
        started.elapsed().toMillis() / 1000.0,
        node.systemLog());
    if (!foreground) {
      return 0;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(node::stop, "stop-cassandra"));
    try {
      int exit = node.awaitExit();
      System.out.println("Cassandra exited with code " + exit);
      return exit == 0 ? 0 : 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static int stop(LocalCassandra node) {
    LocalCassandra.Settings s = node.settings();
    LocalCassandra.Stopped stopped = node.stop();
    switch (stopped) {
      case GRACEFULLY -> System.out.println("Cassandra in " + s.dir() + " stopped");
      case KILLED ->
          System.out.println(
              "Cassandra in "
                  + s.dir()
                  + " ignored SIGTERM for "
                  + s.stopTimeout().toSeconds()
                  + " s and was killed");
      case NOT_RUNNING -> {
        boolean foreign = CqlProbe.portOpen(s.host(), s.nativePort());
        System.out.println(
            "Cassandra in "
                + s.dir()
                + " is not running"
                + (foreign
                    ? "; something else listens on " + s.host() + ":" + s.nativePort() + ", left alone"
                    : ""));
      }
    }
    return 0;
  }

  private static int status(LocalCassandra node) {
    LocalCassandra.Settings s = node.settings();
    LocalCassandra.Status status = node.status();
    String address = s.host() + ":" + s.nativePort();
    String pid = status.pid().map(p -> "pid " + p).orElse("no process from " + s.dir());
    if (status.ready()) {
      System.out.printf(
          "Cassandra %s ready on %s (%s); logs: %s%n",
          status.releaseVersion().get(), address, pid, node.systemLog());
      return 0;
    }
    if (status.pid().isPresent()) {
      System.out.printf(
          "Cassandra is starting (%s), CQL not yet answering on %s; logs: %s%n",
          pid, address, node.systemLog());
      return 1;
    }
    System.out.printf("Cassandra is not running (nothing answers CQL on %s)%n", address);
    return 1;
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new UsageException(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  /** {@code host:port,host:port}: storage addresses, each with its port. */
  private static List<String> seeds(String text) {
    List<String> seeds =
        Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String seed : seeds) {
      int colon = seed.lastIndexOf(':');
      if (colon <= 0) {
        throw new UsageException("a seed is host:port (its storage port), not " + seed);
      }
      port(seed.substring(colon + 1));
    }
    if (seeds.isEmpty()) {
      throw new UsageException("--seeds needs at least one host:port");
    }
    return seeds;
  }

  private static int port(String text) {
    int port = positive(text);
    if (port > 65535) {
      throw new UsageException("not a port: " + text);
    }
    return port;
  }

  private static int positive(String text) {
    try {
      int value = Integer.parseInt(text);
      if (value <= 0) {
        throw new UsageException("not a positive number: " + text);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new UsageException("not a number: " + text);
    }
  }

  /** Bad command line; exit code 2. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
