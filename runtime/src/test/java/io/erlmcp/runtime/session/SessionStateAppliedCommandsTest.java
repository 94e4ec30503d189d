package io.erlmcp.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The applied command ids a session remembers so a resent command is not applied twice. */
class SessionStateAppliedCommandsTest {

  @Test
  void theOldestIdsAreForgottenPastTheLimit() {
    SessionState s = SessionState.empty(10);
    int n = SessionState.APPLIED_COMMANDS_LIMIT + 5;
    for (int i = 0; i < n; i++) {
      s = s.apply(new SessionEvent.CommandApplied("c" + i, i));
    }
    assertEquals(SessionState.APPLIED_COMMANDS_LIMIT, s.appliedCommands().size());
    for (int i = 0; i < 5; i++) {
      assertNull(s.appliedCommand("c" + i));
    }
    assertEquals(5L, s.appliedCommand("c5"));
    assertEquals((long) n - 1, s.appliedCommand("c" + (n - 1)));
    assertNull(s.appliedCommand(null));
  }

  @Test
  void aStateWrittenBeforeCommandIdsReadsBackWithNone() throws Exception {
    SessionState s = SessionState.empty(10).apply(new SessionEvent.CommandApplied("x", 3));
    ObjectNode json = Json.MAPPER.valueToTree(s);
    json.remove("appliedCommands");
    SessionState old = Json.MAPPER.treeToValue(json, SessionState.class);
    assertEquals(Map.of(), old.appliedCommands());
    assertEquals(s.nextSeq(), old.nextSeq());
  }

  @Test
  void theIdsRoundTrip() throws Exception {
    SessionState s = SessionState.empty(10);
    for (int i = 0; i < 3; i++) {
      s = s.apply(new SessionEvent.CommandApplied("c" + i, i * 2));
    }
    SessionState back = Json.MAPPER.treeToValue(Json.MAPPER.valueToTree(s), SessionState.class);
    assertEquals(s, back);
    assertEquals(4L, back.appliedCommand("c2"));
  }
}
