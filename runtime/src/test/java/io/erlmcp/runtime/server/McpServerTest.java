package io.erlmcp.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class McpServerTest {

  /** Records what the server announces. */
  private static final class Recorder implements McpServer.Listener {
    final List<String> heard = new ArrayList<>();

    @Override
    public void catalogChanged(McpServer.CatalogKind kind) {
      heard.add(kind.name());
    }

    @Override
    public void resourceUpdated(String uri) {
      heard.add("updated " + uri);
    }
  }

  private static Tool tool(String name) {
    return Tool.builder(name).syncHandler((a, c) -> ToolResult.text(name)).build();
  }

  private static Resource resource(String uri) {
    return new Resource(uri, uri, null, null, null, null,
        (u, c) -> CompletableFuture.completedFuture(List.of()));
  }

  private static Prompt prompt(String name) {
    return new Prompt(name, null, null, null,
        (a, c) -> CompletableFuture.completedFuture(new Prompt.Result(null, List.of())));
  }

  @Test
  void eachCatalogChangeFiresItsKind() {
    McpServer s = McpServer.builder("s", "1").build();
    Recorder r = new Recorder();
    s.addListener(r);
    s.addTool(tool("a"));
    s.addResource(resource("test://r"));
    s.addPrompt(prompt("p"));
    assertTrue(s.removeTool("a"));
    assertTrue(s.removeResource("test://r"));
    assertTrue(s.removePrompt("p"));
    assertEquals(List.of("TOOLS", "RESOURCES", "PROMPTS", "TOOLS", "RESOURCES", "PROMPTS"), r.heard);
  }

  @Test
  void removingSomethingAbsentFiresNothing() {
    McpServer s = McpServer.builder("s", "1").tool(tool("a")).build();
    Recorder r = new Recorder();
    s.addListener(r);
    assertFalse(s.removeTool("zzz"));
    assertFalse(s.removeResource("test://none"));
    assertFalse(s.removePrompt("none"));
    assertEquals(List.of(), r.heard);
  }

  @Test
  void resourceUpdatedReachesEveryListener() {
    McpServer s = McpServer.builder("s", "1").build();
    Recorder r1 = new Recorder();
    Recorder r2 = new Recorder();
    s.addListener(r1);
    s.addListener(r2);
    s.resourceUpdated("test://x");
    assertEquals(List.of("updated test://x"), r1.heard);
    assertEquals(List.of("updated test://x"), r2.heard);
  }

  @Test
  void aRemovedListenerHearsNothingMore() {
    McpServer s = McpServer.builder("s", "1").build();
    Recorder r = new Recorder();
    s.addListener(r);
    s.addTool(tool("a"));
    s.removeListener(r);
    s.addTool(tool("b"));
    s.resourceUpdated("test://x");
    assertEquals(List.of("TOOLS"), r.heard);
  }

  @Test
  void addingAToolWithAnExistingNameReplacesItAndKeepsItsPlace() {
    McpServer s = McpServer.builder("s", "1").tool(tool("a")).tool(tool("b")).build();
    Tool a2 = Tool.builder("a").description("v2").syncHandler((x, c) -> ToolResult.text("2")).build();
    s.addTool(a2);
    assertEquals(List.of("a", "b"), s.tools().stream().map(Tool::name).toList());
    assertEquals("v2", s.tool("a").orElseThrow().description());
  }

  @Test
  void catalogsKeepInsertionOrderAndLookupsFindByKey() {
    McpServer s = McpServer.builder("s", "1")
        .tool(tool("z")).tool(tool("a"))
        .resource(resource("test://2")).resource(resource("test://1"))
        .resourceTemplate(new ResourceTemplate(new UriTemplate("test://{x}"), "t", null, null, null,
            (u, v, c) -> CompletableFuture.completedFuture(List.of())))
        .prompt(prompt("p"))
        .build();
    assertEquals(List.of("z", "a"), s.tools().stream().map(Tool::name).toList());
    assertEquals(List.of("test://2", "test://1"), s.resources().stream().map(Resource::uri).toList());
    assertTrue(s.resource("test://1").isPresent());
    assertTrue(s.prompt("p").isPresent());
    assertFalse(s.tool("missing").isPresent());
    assertEquals(1, s.resourceTemplates().size());
    assertTrue(s.hasTools() && s.hasResources() && s.hasPrompts());
  }

  @Test
  void aTemplateAloneAdvertisesResources() {
    McpServer s = McpServer.builder("s", "1")
        .resourceTemplate(new ResourceTemplate(new UriTemplate("test://{x}"), "t", null, null, null,
            (u, v, c) -> CompletableFuture.completedFuture(List.of())))
        .build();
    assertTrue(s.hasResources());
    assertFalse(s.hasTools());
    assertFalse(s.hasPrompts());
  }

  @Test
  void theCatalogSnapshotIsNotALiveView() {
    McpServer s = McpServer.builder("s", "1").tool(tool("a")).build();
    List<Tool> before = s.tools();
    s.addTool(tool("b"));
    assertEquals(1, before.size());
    assertEquals(2, s.tools().size());
  }
}
