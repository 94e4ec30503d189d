package io.erlmcp.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code erlmcp} command: serve MCP, and the operator's runbook steps. */
@Command(
    name = "erlmcp",
    mixinStandardHelpOptions = true,
    version = "erlmcp 0.1.0",
    description = "MCP server runtime on Apache Pekko.",
    subcommands = {
      ServeCommand.class,
      StatusCommand.class,
      DrillCommand.class,
      ClientCommand.class,
      ConformanceClientCommand.class
    })
public final class Erlmcp implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  public static void main(String[] args) {
    CommandLine cmd = new CommandLine(new Erlmcp());
    // Bad flags: usage text on stderr and exit 2.
    cmd.setParameterExceptionHandler(
        (ex, a) -> {
          CommandLine c = ex.getCommandLine();
          c.getErr().println("erlmcp: " + ex.getMessage());
          c.usage(c.getErr());
          return 2;
        });
    int code = cmd.execute(args);
    System.exit(code);
  }
}
