package io.erlmcp.runtime.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogLevelTest {

  @Test
  void wireNamesAreTheLowercaseSyslogNamesAndParseBack() {
    for (LogLevel l : LogLevel.values()) {
      assertEquals(Optional.of(l), LogLevel.parse(l.wireName()));
    }
    assertEquals("emergency", LogLevel.EMERGENCY.wireName());
    assertEquals(Optional.empty(), LogLevel.parse("WARNING"));
    assertEquals(Optional.empty(), LogLevel.parse("warn"));
    assertEquals(Optional.empty(), LogLevel.parse(null));
  }

  @Test
  void aLevelPassesAThresholdAtOrBelowIt() {
    assertTrue(LogLevel.WARNING.passes(LogLevel.WARNING));
    assertTrue(LogLevel.ERROR.passes(LogLevel.WARNING));
    assertFalse(LogLevel.NOTICE.passes(LogLevel.WARNING));
    assertTrue(LogLevel.DEBUG.passes(null));
    assertFalse(LogLevel.ALERT.passes(LogLevel.EMERGENCY));
  }
}
