package io.erlmcp.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code erlmcp status --management HOST:PORT}: prints one node's cluster view as JSON, read from
 * {@code GET /status} on its Pekko Management listener, with the clients connected to each node
 * ({@code --clients}: each node's sessions too, from {@code GET /status/clients}). Exit status 0
 * when the node answered, 1 when it could not be reached (or is still starting), 2 on bad usage.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Print a node's view of its cluster as JSON: mode (read_write/read_only), up, self,",
      "members, unreachable, leader, and clients (total, and per node by transport).",
      "Exit 0 ok, 1 node unreachable, 2 usage."
    })
final class StatusCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--management",
      required = true,
      paramLabel = "HOST:PORT",
      description = "The node's Pekko Management address (as given to serve --management).")
  String management;

  @Option(
      names = "--timeout",
      defaultValue = "5",
      paramLabel = "SECONDS",
      description = "How long to wait for the node (default 5).")
  int timeoutSeconds;

  @Option(
      names = "--clients",
      description = "Print the clients connected to each node instead: sessions with transport,"
          + " client name and version (at most erlmcp.presence.max-listed-per-node per node).")
  boolean clients;

  @Override
  public Integer call() {
    InetSocketAddress addr = ServeCommand.parseHostPort(spec, "--management", management);
    String host = addr.getHostString().contains(":") ? "[" + addr.getHostString() + "]" : addr.getHostString();
    URI uri = URI.create("http://" + host + ":" + addr.getPort() + (clients ? "/status/clients" : "/status"));
    HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(timeoutSeconds)).build();
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(timeoutSeconds)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        System.err.println("erlmcp status: " + uri + " answered " + r.statusCode() + " " + r.body());
        return 1;
      }
      System.out.println(r.body());
      return 0;
    } catch (IOException e) {
      System.err.println("erlmcp status: cannot reach " + uri + ": " + e);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }
}
