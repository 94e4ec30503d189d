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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code erlmcp serve} exits with when a listener does not start: 3 when the node is
 * shutting down (downed, removed, terminated) before the bind answered, 1 for a bind that fails
 * on a running node. The message never ends in "null".
 */
class ServeCommandStartFailureTest {
  private static final String WHAT = "listen on 127.0.0.1:8081";

  private ActorSystem<Void> system;

  @BeforeEach
  void start() {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "serve-start-failure",
            ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
  }

  @AfterEach
  void stop() {
    system.terminate();
  }

  private ServeCommand.Outcome failedWith(Exception e) {
    return ServeCommand.startFailure(system, WHAT, e);
  }

  @Test
  void aBindFailingWithoutAMessageOnADownedNodeExitsThreeNamingTheReason() throws Exception {
    CoordinatedShutdown.get(system)
        .runAll(CoordinatedShutdown.clusterDowningReason())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    ServeCommand.Outcome o = failedWith(new ExecutionException(new IllegalStateException()));
    assertEquals(ServeCommand.EXIT_REMOVED, o.exitStatus(), o.message());
    assertTrue(o.message().contains("ClusterDowningReason"), o.message());
    assertTrue(o.message().contains(WHAT), o.message());
    assertFalse(o.message().contains("null"), o.message());
  }

  @Test
  void aListenerStoppedBeforeItsBindAnsweredExitsThree() {
    ServeCommand.Outcome o =
        failedWith(new ExecutionException(ListenerStoppedException.beforeBind("HTTP")));
    assertEquals(ServeCommand.EXIT_REMOVED, o.exitStatus(), o.message());
  }

  @Test
  void aPortInUseOnARunningNodeExitsOneWithTheCause() {
    ServeCommand.Outcome o =
        failedWith(new ExecutionException(new BindException("Address already in use")));
    assertEquals(1, o.exitStatus());
    assertEquals("erlmcp: cannot " + WHAT + ": Address already in use", o.message());
  }

  @Test
  void aFailureWithoutAMessageOnARunningNodeIsNamedByItsType() {
    ServeCommand.Outcome o = failedWith(new java.util.concurrent.TimeoutException());
    assertEquals(1, o.exitStatus());
    assertTrue(o.message().endsWith("java.util.concurrent.TimeoutException"), o.message());
  }
}
