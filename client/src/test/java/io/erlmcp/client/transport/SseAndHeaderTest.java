package io.erlmcp.client.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseAndHeaderTest {

  private static List<SseReader.Event> parse(String stream) throws IOException {
    List<SseReader.Event> out = new ArrayList<>();
    SseReader.read(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), out::add);
    return out;
  }

  @Test
  void primingEventsMultiLineDataCommentsAndRetry() throws IOException {
    List<SseReader.Event> events =
        parse(": keep-alive\n\nid: 1.a\nretry: 500\ndata: \n\nevent: message\nid: 2.a\ndata: {\"a\":\ndata: 1}\n\n");
    assertEquals(2, events.size());
    assertEquals(new SseReader.Event("1.a", "message", "", 500), events.get(0));
    assertEquals(new SseReader.Event("2.a", "message", "{\"a\":\n1}", -1), events.get(1));
  }

  @Test
  void aRetryThatIsNotANumberIsIgnoredAndCrLfEndsLines() throws IOException {
    List<SseReader.Event> events = parse("retry: soon\r\nevent: endpoint\r\ndata: /message?s=1\r\n\r\n");
    assertEquals(List.of(new SseReader.Event(null, "endpoint", "/message?s=1", -1)), events);
  }

  @Test
  void anEventCutOffBeforeItsBlankLineIsNotDispatched() throws IOException {
    assertEquals(List.of(), parse("id: 9\ndata: {\"partial\""));
  }

  @Test
  void headerValuesArePlainOnlyWhenPrintableAsciiWithoutSurroundingSpace() {
    assertEquals("us-west1", HeaderValues.encode("us-west1"));
    assertEquals("us west 1", HeaderValues.encode("us west 1"));
    assertEquals("", HeaderValues.encode(""));
    assertEquals("=?base64?IHBhZGRlZCA=?=", HeaderValues.encode(" padded "));
    assertEquals("=?base64?SGVsbG8sIOS4lueVjA==?=", HeaderValues.encode("Hello, 世界"));
    assertEquals("=?base64?bGluZTEKbGluZTI=?=", HeaderValues.encode("line1\nline2"));
    assertEquals("=?base64?CWluZGVudGVk?=", HeaderValues.encode("\tindented"));
  }
}
