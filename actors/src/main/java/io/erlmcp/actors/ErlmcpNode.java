package io.erlmcp.actors;

import com.typesafe.config.Config;
import io.erlmcp.runtime.server.McpServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/** Starts one erlmcp node: the actor system with its guardian, and waits for the core. */
public final class ErlmcpNode implements AutoCloseable {
  private final ActorSystem<Guardian.Command> system;
  private final Core core;

  private ErlmcpNode(ActorSystem<Guardian.Command> system, Core core) {
    this.system = system;
    this.core = core;
  }

  /**
   * Starts a node serving {@code server} with the given transports; blocks until the core is up
   * (not until the transports have bound: each reports that itself).
   */
  public static ErlmcpNode start(
      String systemName,
      Config config,
      McpServer server,
      List<Guardian.TransportSpec> transports,
      Duration startTimeout) {
    ActorSystem<Guardian.Command> system =
        ActorSystem.create(Guardian.create(server, transports), systemName, config);
    try {
      CompletionStage<Core> core =
          AskPattern.ask(system, Guardian.GetCore::new, startTimeout, system.scheduler());
      return new ErlmcpNode(system, core.toCompletableFuture().get());
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("erlmcp node did not start: " + e.getMessage(), e);
    }
  }

  public ActorSystem<Guardian.Command> system() {
    return system;
  }

  public Core core() {
    return core;
  }

  /** Terminates the actor system (running requests are cancelled) and waits for it. */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      // Termination itself failed: nothing more to do on the way out.
    }
  }
}
