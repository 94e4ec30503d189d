package io.erlmcp.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UriTemplateTest {

  private static Map<String, String> match(String template, String uri) {
    Optional<Map<String, String>> m = new UriTemplate(template).match(uri);
    assertTrue(m.isPresent(), () -> template + " should match " + uri);
    return m.get();
  }

  private static void noMatch(String template, String uri) {
    assertEquals(Optional.empty(), new UriTemplate(template).match(uri), template + " vs " + uri);
  }

  @Test
  void aSimpleVariableMatchesOneSegment() {
    assertEquals(Map.of("id", "42"), match("test://template/{id}/data", "test://template/42/data"));
    assertEquals(Map.of("a", "x", "b", "y"), match("file:///{a}/{b}", "file:///x/y"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"test://template/4/2/data", "test://template/42/dat", "test://template/42/data/",
      "test://template/42", "other://template/42/data", "test://template/42/data?x=1"})
  void aSimpleVariableDoesNotMatchAcrossSlashesOrOtherLiterals(String uri) {
    noMatch("test://template/{id}/data", uri);
  }

  @Test
  void aSimpleListVariableSplitsOnCommas() {
    assertEquals(Map.of("x", "1", "y", "2"), match("geo:{x,y}", "geo:1,2"));
    noMatch("geo:{x,y}", "geo:1");
  }

  @Test
  void aReservedVariableMatchesSlashes() {
    assertEquals(Map.of("path", "a/b/c.txt"), match("file:///{+path}", "file:///a/b/c.txt"));
    assertEquals(Map.of("path", ""), match("file:///{+path}", "file:///"));
  }

  @Test
  void aPathSegmentVariableMatchesOneSegmentWithItsSlash() {
    assertEquals(Map.of("seg", "x"), match("test://r{/seg}", "test://r/x"));
    assertEquals(Map.of("a", "x", "b", "y"), match("test://r{/a,b}", "test://r/x/y"));
    noMatch("test://r{/seg}", "test://r/x/y");
    noMatch("test://r{/seg}", "test://rx");
  }

  @Test
  void aFragmentAndALabelVariableMatch() {
    assertEquals(Map.of("f", "sec/2"), match("doc://a{#f}", "doc://a#sec/2"));
    assertEquals(Map.of("ext", "json"), match("doc://file{.ext}", "doc://file.json"));
  }

  @Test
  void queryVariablesMatchInAnyOrderAndAreOptional() {
    String t = "search://items{?q,page}";
    assertEquals(Map.of("q", "cats", "page", "2"), match(t, "search://items?q=cats&page=2"));
    assertEquals(Map.of("q", "cats", "page", "2"), match(t, "search://items?page=2&q=cats"));
    assertEquals(Map.of("q", "cats"), match(t, "search://items?q=cats"));
    assertEquals(Map.of(), match(t, "search://items"));
    assertEquals(Map.of(), match(t, "search://items?"));
  }

  @Test
  void unknownQueryParametersAreIgnoredAndAValuelessOneIsEmpty() {
    String t = "search://items{?q}";
    assertEquals(Map.of("q", "a"), match(t, "search://items?other=1&q=a"));
    assertEquals(Map.of("q", ""), match(t, "search://items?q"));
  }

  @Test
  void queryContinuationCombinesWithAQueryExpression() {
    assertEquals(Map.of("q", "a", "lang", "en"), match("s://x{?q}{&lang}", "s://x?lang=en&q=a"));
  }

  @Test
  void queryVariablesFollowPathVariables() {
    assertEquals(Map.of("id", "7", "v", "3"), match("test://item/{id}{?v}", "test://item/7?v=3"));
    assertEquals(Map.of("id", "7"), match("test://item/{id}{?v}", "test://item/7"));
  }

  @Test
  void valuesArePercentDecodedAndPlusIsKeptLiterally() {
    assertEquals(Map.of("id", "a b/c"), match("test://t/{id}", "test://t/a%20b%2Fc"));
    assertEquals(Map.of("id", "a+b"), match("test://t/{id}", "test://t/a+b"));
    assertEquals(Map.of("q", "x y&z"), match("s://x{?q}", "s://x?q=x%20y%26z"));
    assertEquals(Map.of("id", "caf\u00e9"), match("test://t/{id}", "test://t/caf%C3%A9"));
  }

  @Test
  void aMalformedPercentEscapeIsPassedThroughRaw() {
    assertEquals(Map.of("id", "100%"), match("test://t/{id}", "test://t/100%"));
  }

  @Test
  void aLiteralTemplateMatchesExactlyItself() {
    UriTemplate t = new UriTemplate("test://static/a.b?x=1");
    assertTrue(t.isLiteral());
    assertEquals(Optional.of(Map.of()), t.match("test://static/a.b?x=1"));
    noMatch("test://static/a.b?x=1", "test://static/aXb?x=1");
    noMatch("test://static/a.b?x=1", "test://static/a.b?x=12");
    assertFalse(new UriTemplate("test://{id}").isLiteral());
    assertFalse(new UriTemplate("test://x{?id}").isLiteral());
  }

  @Test
  void regexCharactersInLiteralsAreLiteral() {
    noMatch("test://a.b/{id}", "test://aXb/1");
    assertEquals(Map.of("id", "1"), match("test://(a)[b]*/{id}", "test://(a)[b]*/1"));
  }

  @Test
  void modifiersAreAcceptedAndIgnored() {
    UriTemplate t = new UriTemplate("test://{id:3}/{rest*}");
    assertEquals(List.of("id", "rest"), t.variableNames());
    assertEquals(Map.of("id", "abcdef", "rest", "x"), t.match("test://abcdef/x").orElseThrow());
  }

  @Test
  void variableNamesListPathThenQueryVariables() {
    assertEquals(List.of("a", "b", "q", "p"), new UriTemplate("x://{a}/{+b}{?q,p}").variableNames());
  }

  @Test
  void nullNeverMatches() {
    assertEquals(Optional.empty(), new UriTemplate("x://{a}").match(null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"x://{}", "x://{a,}", "x://{?q}/tail", "x://{;p}", "x://{?q}{a}"})
  void unsupportedOrBrokenTemplatesAreRefused(String template) {
    assertThrows(IllegalArgumentException.class, () -> new UriTemplate(template));
  }
}
