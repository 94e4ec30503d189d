package io.erlmcp.actors.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import io.erlmcp.runtime.session.SessionCommand;
import io.erlmcp.runtime.session.SessionState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Session writes are resent until answered, and applied once. Sharding runs the real session
 * entity (in-memory journal, a cluster of one) behind a stand-in that injects what a node's death
 * does to a write: the first attempt vanishes, or it is applied and its reply vanishes, or nothing
 * answers until the session is back.
 */
class SessionGatewayResendTest {

  private static ActorTestKit kit;

  /** Attempts seen per command id, over all sessions. */
  private static final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  /** While false, every write of a "held-" session vanishes. */
  private static final AtomicBoolean released = new AtomicBoolean();

  @BeforeAll
  static void start() throws Exception {
    kit = io.erlmcp.actors.TwoMembers.single("SessionGatewayResend", "erlmcp.session.replicate-read-copy = off\n");
    ClusterSharding.get(kit.system())
        .init(Entity.of(SessionEntity.ENTITY_KEY, ctx -> lossy(ctx.getEntityId())));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /**
   * The real entity behind a stand-in keyed by the session id's prefix: "drop-" loses each
   * command's first attempt, "lose-" applies it and loses its reply, "held-" loses every attempt
   * until {@link #released}; anything else passes.
   */
  private static Behavior<SessionEntity.Command> lossy(String sessionId) {
    return Behaviors.setup(
        ctx -> {
          ActorRef<SessionEntity.Command> real =
              ctx.spawn(SessionEntity.create(sessionId, SessionEntity.Settings.DEFAULT), "real");
          return Behaviors.receiveMessage(
              m -> {
                if (m instanceof SessionEntity.Execute e && e.commandId() != null) {
                  int n = attempts.computeIfAbsent(e.commandId(), k -> new AtomicInteger()).incrementAndGet();
                  if (sessionId.startsWith("drop-") && n == 1) {
                    return Behaviors.same();
                  }
                  if (sessionId.startsWith("held-") && !released.get()) {
                    return Behaviors.same();
                  }
                  if (sessionId.startsWith("lose-") && n == 1) {
                    ActorRef<SessionEntity.Reply> nowhere = ctx.getSystem().ignoreRef();
                    real.tell(new SessionEntity.Execute(e.command(), nowhere, e.commandId()));
                    return Behaviors.same();
                  }
                }
                real.tell(m);
                return Behaviors.same();
              });
        });
  }

  private static Config session(String attemptTimeout, String writeTimeout) {
    return ConfigFactory.parseString(
            "write-attempt-timeout = " + attemptTimeout + "\nwrite-timeout = " + writeTimeout + "\n")
        .withFallback(kit.system().settings().config().getConfig("erlmcp.session"));
  }

  private static SessionGateway gateway(String attemptTimeout, String writeTimeout) {
    return new SessionGateway(
        kit.system(), Duration.ofSeconds(10), 100, () -> true, session(attemptTimeout, writeTimeout));
  }

  private static SessionCommand.Initialize init(String id) {
    return new SessionCommand.Initialize(id, "2025-11-25", Json.object(), Json.object(), 1);
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aWriteWhoseFirstAttemptVanishesIsResentAndAcknowledged() throws Exception {
    SessionGateway g = gateway("300ms", "20s");
    String id = "drop-" + System.nanoTime();
    await(g.execute(id, init(id)));
    SessionState s = await(g.execute(id, new SessionCommand.PutData("k", Json.NODES.textNode("v"))));
    assertEquals("v", s.data().get("k").asText());
    assertTrue(g.resends() >= 2, "both writes were resent: " + g.resends());
    assertEquals("v", await(g.fresh(id)).data().get("k").asText());
  }

  @Test
  void aWriteAppliedWhoseReplyVanishedIsNotAppliedAgain() throws Exception {
    SessionGateway g = gateway("300ms", "20s");
    String id = "lose-" + System.nanoTime();
    await(g.execute(id, init(id)));
    long first = await(g.append(id, new SessionCommand.AppendToStream("st", List.of("a", "b"), false)));
    assertEquals(1, first, "the resend is answered with the original command's first event id");
    long next = await(g.append(id, new SessionCommand.AppendToStream("st", List.of("c"), false)));
    assertEquals(3, next, "the first append was applied once, not twice");
    SessionState s = await(g.fresh(id));
    assertEquals(4, s.nextSeq());
    assertEquals(List.of("a", "b", "c"), s.streamBuffer().stream().map(e -> e.payload()).toList());
    assertTrue(g.resends() >= 3);
  }

  @Test
  void aMemberRemovalResendsWaitingWritesWithoutWaitingForTheirAttemptTimeout() throws Exception {
    SessionGateway g = gateway("60s", "120s");
    String id = "held-" + System.nanoTime();
    released.set(true);
    await(g.execute(id, init(id)));
    released.set(false);
    CompletableFuture<SessionState> write =
        g.execute(id, new SessionCommand.PutData("k", Json.NODES.numberNode(7))).toCompletableFuture();
    Thread.sleep(500);
    assertTrue(!write.isDone(), "nothing answers a held session");
    released.set(true);
    g.memberRemoved("pekko://gone@127.0.0.1:1");
    // The attempt timeout is a minute; only the removal's resend can answer this in time.
    SessionState s = write.get(20, TimeUnit.SECONDS);
    assertEquals(7, s.data().get("k").asInt());
    assertEquals(1, g.resends());
  }

  @Test
  void aWriteNobodyAnswersFailsWithTheStoreErrorAfterTheWriteTimeout() throws Exception {
    SessionGateway g = gateway("200ms", "1s");
    String id = "held-never-" + System.nanoTime();
    released.set(false);
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> g.execute(id, init(id)).toCompletableFuture().get(30, TimeUnit.SECONDS));
    JsonRpcException j = (JsonRpcException) e.getCause();
    assertEquals(SessionGateway.STORE_UNAVAILABLE, j.error().code());
    assertEquals("Session store did not answer in time", j.error().message());
    assertTrue(g.resends() >= 2, "resent until the write timeout: " + g.resends());
  }

  @Test
  void aPlainWriteIsSentOnce() throws Exception {
    SessionGateway g = gateway("5s", "20s");
    String id = "plain-" + System.nanoTime();
    await(g.execute(id, init(id)));
    await(g.execute(id, new SessionCommand.SetLogLevel(io.erlmcp.runtime.protocol.LogLevel.INFO)));
    assertEquals(0, g.resends());
  }
}
