package io.erlmcp.runtime.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProtocolVersionTest {

  @Test
  void parseKnowsEveryRevisionByItsWireName() {
    for (ProtocolVersion v : ProtocolVersion.values()) {
      assertEquals(Optional.of(v), ProtocolVersion.parse(v.id()));
      assertEquals(v.id(), v.toString());
    }
    assertEquals(Optional.empty(), ProtocolVersion.parse("2025-06-19"));
    assertEquals(Optional.empty(), ProtocolVersion.parse(null));
    assertEquals(Optional.empty(), ProtocolVersion.parse("V2025_06_18"));
  }

  @Test
  void sessionRevisionsExcludeTheStatelessOne() {
    assertEquals(
        List.of(ProtocolVersion.V2024_11_05, ProtocolVersion.V2025_03_26, ProtocolVersion.V2025_06_18,
            ProtocolVersion.V2025_11_25),
        ProtocolVersion.sessionRevisions());
  }

  @Test
  void negotiateKeepsASessionRevisionAndOtherwiseOffersTheNewest() {
    assertEquals(ProtocolVersion.V2024_11_05, ProtocolVersion.negotiate("2024-11-05"));
    assertEquals(ProtocolVersion.V2025_11_25, ProtocolVersion.negotiate("2026-07-28"));
    assertEquals(ProtocolVersion.V2025_11_25, ProtocolVersion.negotiate("2030-01-01"));
    assertEquals(ProtocolVersion.V2025_11_25, ProtocolVersion.negotiate(null));
  }

  @Test
  void predicatesSwitchOnAtTheirFirstRevision() {
    assertSwitchesAt(ProtocolVersion.V2025_03_26, ProtocolVersion::hasToolAnnotations);
    assertSwitchesAt(ProtocolVersion.V2025_03_26, ProtocolVersion::hasAudioContent);
    assertSwitchesAt(ProtocolVersion.V2025_03_26, ProtocolVersion::hasProgressMessage);
    assertSwitchesAt(ProtocolVersion.V2025_03_26, ProtocolVersion::hasCompletionsCapability);
    assertSwitchesAt(ProtocolVersion.V2025_06_18, ProtocolVersion::hasStructuredContent);
    assertSwitchesAt(ProtocolVersion.V2025_06_18, ProtocolVersion::hasTitles);
    assertSwitchesAt(ProtocolVersion.V2025_06_18, ProtocolVersion::hasResourceLinks);
    assertSwitchesAt(ProtocolVersion.V2025_06_18, ProtocolVersion::hasElicitation);
    assertSwitchesAt(ProtocolVersion.V2025_06_18, ProtocolVersion::requiresProtocolVersionHeader);
    assertSwitchesAt(ProtocolVersion.V2025_06_18, ProtocolVersion::hasCompletionContext);
    assertSwitchesAt(ProtocolVersion.V2025_11_25, ProtocolVersion::hasIcons);
    assertSwitchesAt(ProtocolVersion.V2025_11_25, ProtocolVersion::hasUrlElicitation);
    assertSwitchesAt(ProtocolVersion.V2025_11_25, ProtocolVersion::hasTasks);
    assertSwitchesAt(ProtocolVersion.V2025_11_25, ProtocolVersion::hasSsePriming);
    assertSwitchesAt(ProtocolVersion.V2025_11_25, ProtocolVersion::inputValidationIsToolError);
  }

  @Test
  void onlyTheStatelessRevisionIsStatelessAndOnly20250326HasBatches() {
    for (ProtocolVersion v : ProtocolVersion.values()) {
      assertEquals(v == ProtocolVersion.V2026_07_28, v.isStateless(), v.id());
      assertEquals(v == ProtocolVersion.V2025_03_26, v.allowsBatches(), v.id());
    }
    assertTrue(ProtocolVersion.HTTP_DEFAULT.allowsBatches());
  }

  private static void assertSwitchesAt(
      ProtocolVersion first, java.util.function.Predicate<ProtocolVersion> p) {
    for (ProtocolVersion v : ProtocolVersion.values()) {
      if (v.compareTo(first) < 0) {
        assertFalse(p.test(v), v.id());
      } else {
        assertTrue(p.test(v), v.id());
      }
    }
  }
}
