package io.erlmcp.cli;

import io.erlmcp.chaos.drill.FailoverDrill;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code erlmcp drill}: disaster-recovery drills against a local cluster (docs/drill.md). */
@Command(
    name = "drill",
    mixinStandardHelpOptions = true,
    description = "Disaster-recovery drills on a local cluster (see docs/drill.md).",
    subcommands = {DrillCommand.Failover.class})
final class DrillCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a drill is required");
  }

  @Command(
      name = "failover",
      mixinStandardHelpOptions = true,
      description = {
        "3 nodes + Cassandra behind haproxy; kill -9 a node per cycle under client load;",
        "measures continuation RTO, write RTO and RPO; last line: RTO_MS ... cycles=N."
      })
  static final class Failover implements Callable<Integer> {
    @Option(names = "--cycles", defaultValue = "3", description = "Kill/restart cycles (default 3).")
    int cycles;

    @Option(names = "--clients", defaultValue = "24", description = "Concurrent MCP clients (default 24).")
    int clients;

    @Option(
        names = "--port-base",
        defaultValue = "28000",
        description = "Ports used: base+1/+2 Cassandra, base+10*I.. node I, base+80 haproxy.")
    int portBase;

    @Option(names = "--heap", defaultValue = "256m", description = "Heap of each node (default 256m).")
    String heap;

    @Option(
        names = "--observe",
        defaultValue = "30",
        description = "Seconds to wait for every client to recover after a kill (default 30).")
    int observe;

    @Override
    public Integer call() throws Exception {
      String home = System.getProperty("erlmcp.home", System.getProperty("user.dir"));
      return new FailoverDrill(
              new FailoverDrill.Options(
                  Path.of(home), cycles, clients, portBase, heap, Duration.ofSeconds(observe)))
          .run();
    }
  }
}
