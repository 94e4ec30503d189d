package io.erlmcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.erlmcp.transport.ListenerStoppedException;
import java.net.BindException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/**
 * What {@code erlmcp serve} exits with when a listener does not start: 3 when the node is
 * shutting down (downed, removed, terminated) before the bind answered, 1 for a bind that fails
 * on a running node. The message never ends in "null".
 */
class ServeCommandStartFailureTest {

  private static ActorSystem<Void> system() {
    return ActorSystem.create(
        Behaviors.empty(),
        "serve-start-failure",
        ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
  }

  @Test
  void aBindFailingWithoutAMessageOnADownedNodeExitsThreeNamingTheReason() throws Exception {
    ActorSystem<Void> system = system();
    CoordinatedShutdown.get(system)
        .runAll(CoordinatedShutdown.clusterDowningReason())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    ServeCommand.Outcome o =
        ServeCommand.startFailure(
            system, "listen on 127.0.0.1:8081", new ExecutionException(new IllegalStateException()));
    assertEquals(ServeCommand.EXIT_REMOVED, o.exitStatus(), o.message());
    assertTrue(o.message().contains("ClusterDowningReason"), o.message());
    assertTrue(o.message().contains("listen on 127.0.0.1:8081"), o.message());
    assertFalse(o.message().contains("null"), o.message());
  }

  @Test
  void aListenerStoppedBeforeItsBindAnsweredExitsThree() {
    ActorSystem<Void> system = system();
    try {
      ServeCommand.Outcome o =
          ServeCommand.startFailure(
              system,
              "listen on 127.0.0.1:8081",
              new ExecutionException(ListenerStoppedException.beforeBind("HTTP")));
      assertEquals(ServeCommand.EXIT_REMOVED, o.exitStatus(), o.message());
    } finally {
      system.terminate();
    }
  }

  @Test
  void aPortInUseOnARunningNodeExitsOneWithTheCause() {
    ActorSystem<Void> system = system();
    try {
      ServeCommand.Outcome o =
          ServeCommand.startFailure(
              system,
              "listen on 127.0.0.1:8081",
              new ExecutionException(new BindException("Address already in use")));
      assertEquals(1, o.exitStatus());
      assertEquals("erlmcp: cannot listen on 127.0.0.1:8081: Address already in use", o.message());
    } finally {
      system.terminate();
    }
  }

  @Test
  void aFailureWithoutAMessageOnARunningNodeIsNamedByItsType() {
    ActorSystem<Void> system = system();
    try {
      ServeCommand.Outcome o =
          ServeCommand.startFailure(
              system, "listen on 127.0.0.1:8081", new java.util.concurrent.TimeoutException());
      assertEquals(1, o.exitStatus());
      assertTrue(o.message().endsWith("java.util.concurrent.TimeoutException"), o.message());
    } finally {
      system.terminate();
    }
  }
}
