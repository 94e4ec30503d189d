package io.erlmcp.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CancellationTokenTest {

  @Test
  void cancelRunsEveryCallbackOnceAndRecordsTheReason() {
    CancellationToken t = new CancellationToken();
    List<String> ran = new ArrayList<>();
    t.onCancel(() -> ran.add("a"));
    t.onCancel(() -> ran.add("b"));
    assertFalse(t.isCancelled());
    assertNull(t.reason());
    assertTrue(t.cancel("client said so"));
    assertFalse(t.cancel("again"));
    assertEquals(List.of("a", "b"), ran);
    assertEquals("client said so", t.reason());
  }

  @Test
  void aCallbackRegisteredAfterCancellationRunsAtOnce() {
    CancellationToken t = new CancellationToken();
    t.cancel(null);
    assertEquals("cancelled", t.reason());
    List<String> ran = new ArrayList<>();
    t.onCancel(() -> ran.add("late"));
    assertEquals(List.of("late"), ran);
  }

  @Test
  void aFailingCallbackDoesNotStopTheOthers() {
    CancellationToken t = new CancellationToken();
    List<String> ran = new ArrayList<>();
    t.onCancel(() -> {
      throw new IllegalStateException("boom");
    });
    t.onCancel(() -> ran.add("second"));
    t.cancel("x");
    assertEquals(List.of("second"), ran);
  }
}
