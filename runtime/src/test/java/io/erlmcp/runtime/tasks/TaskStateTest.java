package io.erlmcp.runtime.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The task state machine (fold of events, terminal states final) and the in-memory store. */
class TaskStateTest {
  static TaskEvent.Created created(String id, String owner, long at) {
    return new TaskEvent.Created(
        id, owner, "2025-11-25", "tool", Json.object(), null, null, 60_000, 500, "local", at);
  }

  @Test
  void aCreatedTaskIsWorkingWithItsTimesAndDurations() {
    TaskState s = TaskState.EMPTY.apply(created("t1", "s1", 1000));
    assertTrue(s.exists());
    assertEquals(TaskStatus.WORKING, s.status());
    assertEquals(1000, s.createdAt());
    assertEquals(1000, s.lastUpdatedAt());
    ObjectNode v1 = s.toTaskJson();
    assertEquals("working", v1.path("status").asText());
    assertEquals(60_000, v1.path("ttl").asLong());
    assertEquals(500, v1.path("pollInterval").asLong());
    assertEquals("1970-01-01T00:00:01Z", v1.path("createdAt").asText());
    ObjectNode v2 = s.toExtensionJson(true);
    assertEquals(60_000, v2.path("ttlMs").asLong());
    assertEquals(500, v2.path("pollIntervalMs").asLong());
    assertFalse(v2.has("ttl"));
    assertFalse(v2.has("result"));
  }

  @Test
  void aTerminalTaskAcceptsNothingMore() {
    TaskState s = TaskState.EMPTY.apply(created("t1", null, 1));
    TaskEvent done = new TaskEvent.Completed(Json.parseObject("{\"content\":[]}"), 2);
    assertTrue(s.accepts(done));
    TaskState completed = s.apply(done);
    assertTrue(completed.isTerminal());
    assertFalse(completed.accepts(new TaskEvent.Cancelled("late", 3)));
    assertFalse(completed.accepts(new TaskEvent.Failed(Json.object(), 3)));
    assertFalse(completed.accepts(created("t1", null, 4)));
    assertFalse(TaskState.EMPTY.accepts(done), "no event before the task exists");
  }

  @Test
  void inputProvidedRemovesTheAnsweredRequestsAndKeepsTheAnswers() {
    TaskState s =
        TaskState.EMPTY
            .apply(created("t1", null, 1))
            .apply(
                new TaskEvent.StatusChanged(
                    TaskStatus.INPUT_REQUIRED,
                    "waiting",
                    Json.parseObject("{\"a\":{\"method\":\"elicitation/create\"},\"b\":{}}"),
                    2));
    assertEquals(2, s.toExtensionJson(true).path("inputRequests").size());
    TaskState after =
        s.apply(new TaskEvent.InputProvided(Json.parseObject("{\"a\":{\"action\":\"accept\"}}"), 3));
    List<String> open = new java.util.ArrayList<>();
    after.inputRequests().fieldNames().forEachRemaining(open::add);
    assertEquals(List.of("b"), open);
    assertEquals("accept", after.responses().path("a").path("action").asText());
    assertEquals(TaskStatus.INPUT_REQUIRED, after.status());
    assertEquals(3, after.lastUpdatedAt());
  }

  @Test
  void failedCarriesTheErrorAndItsMessage() {
    TaskState s =
        TaskState.EMPTY
            .apply(created("t1", null, 1))
            .apply(new TaskEvent.Failed(Json.parseObject("{\"code\":-32603,\"message\":\"boom\"}"), 2));
    assertEquals("boom", s.statusMessage());
    ObjectNode j = s.toExtensionJson(true);
    assertEquals(-32603, j.path("error").path("code").asInt());
    assertNull(j.get("result"));
  }

  @Test
  void expiryCountsFromCreation() {
    TaskState s = TaskState.EMPTY.apply(created("t1", null, 1000));
    assertFalse(s.expired(61_000));
    assertTrue(s.expired(61_001));
  }

  @Test
  void theInMemoryStoreRefusesADuplicateAndUnknownTasks() {
    InMemoryTaskStore store = new InMemoryTaskStore();
    store.create(created("t1", "s1", 1)).toCompletableFuture().join();
    CompletionException dup =
        assertThrows(
            CompletionException.class,
            () -> store.create(created("t1", "s1", 2)).toCompletableFuture().join());
    assertTrue(dup.getCause() instanceof IllegalStateException);
    CompletionException unknown =
        assertThrows(
            CompletionException.class,
            () ->
                store
                    .append("nope", new TaskEvent.Cancelled("x", 1))
                    .toCompletableFuture()
                    .join());
    assertTrue(unknown.getCause() instanceof NoSuchElementException);
    store.create(created("t2", "s2", 3)).toCompletableFuture().join();
    store.create(created("t0", "s1", 0)).toCompletableFuture().join();
    assertEquals(
        List.of("t0", "t1"),
        store.list("s1").toCompletableFuture().join().stream().map(TaskState::taskId).toList());
  }

  @Test
  void settingsCutTheTtlToTheMaximum() {
    TaskSettings s = TaskSettings.DEFAULT;
    assertEquals(s.defaultTtl().toMillis(), s.ttlFor(null));
    assertEquals(5_000, s.ttlFor(5_000L));
    assertEquals(s.maxTtl().toMillis(), s.ttlFor(Long.MAX_VALUE));
  }
}
