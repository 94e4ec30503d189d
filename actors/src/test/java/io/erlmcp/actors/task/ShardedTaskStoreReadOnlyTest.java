package io.erlmcp.actors.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import io.erlmcp.runtime.tasks.TaskEvent;
import io.erlmcp.runtime.tasks.TaskStatus;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sharded store on a cluster of one with the in-memory journal: a node that may not write
 * (it cannot see a majority) refuses task writes with -32010 and still answers reads.
 */
class ShardedTaskStoreReadOnlyTest {
  private static ActorTestKit kit;

  @BeforeAll
  static void start() throws Exception {
    kit = io.erlmcp.actors.TwoMembers.single("TaskStoreReadOnly", "");
    ShardedTaskStore.init(kit.system(), 10);
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static TaskEvent.Created created(String id) {
    return new TaskEvent.Created(id, "s1", "2025-11-25", "t", Json.object(), null, null, 60_000, 500, null, 1);
  }

  @Test
  void aReadOnlyNodeRefusesTaskWritesAndStillReads() throws Exception {
    AtomicBoolean writable = new AtomicBoolean(true);
    ShardedTaskStore store = new ShardedTaskStore(kit.system(), Duration.ofSeconds(10), writable::get);
    store.create(created("ro-1")).toCompletableFuture().get(10, TimeUnit.SECONDS);

    writable.set(false);
    CompletionException create =
        assertThrows(CompletionException.class, () -> store.create(created("ro-2")).toCompletableFuture().join());
    assertEquals(ShardedTaskStore.READ_ONLY, ((JsonRpcException) create.getCause()).error().code());
    CompletionException cancel =
        assertThrows(
            CompletionException.class,
            () -> store.append("ro-1", new TaskEvent.Cancelled("x", 2)).toCompletableFuture().join());
    assertEquals(ShardedTaskStore.READ_ONLY, ((JsonRpcException) cancel.getCause()).error().code());
    assertEquals(
        TaskStatus.WORKING,
        store.get("ro-1").toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow().status());
    assertTrue(store.get("ro-2").toCompletableFuture().get(10, TimeUnit.SECONDS).isEmpty());
    assertEquals(1, store.list("s1").toCompletableFuture().get(10, TimeUnit.SECONDS).size());

    writable.set(true);
    assertEquals(
        TaskStatus.CANCELLED,
        store.append("ro-1", new TaskEvent.Cancelled("x", 3)).toCompletableFuture().get(10, TimeUnit.SECONDS).status());
  }
}
