package io.erlmcp.runtime.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A server definition: who it is, and its catalog of tools, resources, resource templates and
 * prompts. The catalog may change while the server runs; every change is announced to the
 * registered {@link Listener}s, which the host turns into {@code list_changed} notifications.
 * Thread-safe.
 */
public final class McpServer {

  /** What changed in the catalog. */
  public enum CatalogKind {
    TOOLS,
    RESOURCES,
    PROMPTS
  }

  /** Receives catalog changes and resource updates. */
  public interface Listener {
    void catalogChanged(CatalogKind kind);

    void resourceUpdated(String uri);

    /**
     * A notification for one session that belongs to no running request (a task's {@code
     * notifications/tasks/status}): a transport that holds a stream of that session outside
     * any request (the HTTP GET stream) sends it there. Default: not for this listener.
     */
    default void sessionNotification(
        String sessionId, String method, com.fasterxml.jackson.databind.JsonNode params) {}
  }

  private final String name;
  private final String version;
  private final String title;
  private final String instructions;
  private final Completer completer;
  private final boolean advertiseTools;
  private final boolean advertiseResources;
  private final boolean advertisePrompts;
  private final Map<String, Tool> tools = new LinkedHashMap<>();
  private final Map<String, Resource> resources = new LinkedHashMap<>();
  private final Map<String, ResourceTemplate> templates = new LinkedHashMap<>();
  private final Map<String, Prompt> prompts = new LinkedHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private volatile RemoteCatalog remote = RemoteCatalog.NONE;

  private McpServer(Builder b) {
    this.name = b.name;
    this.version = b.version;
    this.title = b.title;
    this.instructions = b.instructions;
    this.completer = b.completer;
    b.tools.forEach(t -> tools.put(t.name(), t));
    b.resources.forEach(r -> resources.put(r.uri(), r));
    b.templates.forEach(t -> templates.put(t.uriTemplate().template(), t));
    b.prompts.forEach(p -> prompts.put(p.name(), p));
    this.advertiseTools = b.advertiseTools || !b.tools.isEmpty();
    this.advertiseResources =
        b.advertiseResources || !b.resources.isEmpty() || !b.templates.isEmpty();
    this.advertisePrompts = b.advertisePrompts || !b.prompts.isEmpty();
  }

  public static Builder builder(String name, String version) {
    return new Builder(name, version);
  }

  public String name() {
    return name;
  }

  public String version() {
    return version;
  }

  public String title() {
    return title;
  }

  public String instructions() {
    return instructions;
  }

  public Optional<Completer> completer() {
    return Optional.ofNullable(completer);
  }

  public boolean hasTools() {
    return advertiseTools || !remote.tools().isEmpty();
  }

  public boolean hasResources() {
    return advertiseResources || !remote.resources().isEmpty();
  }

  public boolean hasPrompts() {
    return advertisePrompts || !remote.prompts().isEmpty();
  }

  /**
   * Where the entries other nodes serve come from ({@link RemoteCatalog#NONE} until a cluster
   * registry sets it). Listings then show this server's entries followed by the others'.
   */
  public void setRemoteCatalog(RemoteCatalog remote) {
    this.remote = Objects.requireNonNull(remote);
  }

  /** This server's tools followed by the tools only other nodes serve. */
  public List<Tool> tools() {
    return merged(localTools(), remote.tools(), Tool::name);
  }

  public Optional<Tool> tool(String toolName) {
    Tool mine;
    synchronized (this) {
      mine = tools.get(toolName);
    }
    return mine != null ? Optional.of(mine) : find(remote.tools(), Tool::name, toolName);
  }

  /**
   * Whether any tool, this server's or another node's, satisfies {@code test}. Copies nothing:
   * it is asked on every {@code tools/call}.
   */
  public boolean anyTool(java.util.function.Predicate<Tool> test) {
    synchronized (this) {
      for (Tool t : tools.values()) {
        if (test.test(t)) {
          return true;
        }
      }
    }
    for (Tool t : remote.tools()) {
      if (test.test(t)) {
        return true;
      }
    }
    return false;
  }

  /** The tools of this server only (what a cluster registry publishes for this node). */
  public synchronized List<Tool> localTools() {
    return List.copyOf(tools.values());
  }

  /** This server's resources followed by the resources only other nodes serve. */
  public List<Resource> resources() {
    return merged(localResources(), remote.resources(), Resource::uri);
  }

  public Optional<Resource> resource(String uri) {
    Resource mine;
    synchronized (this) {
      mine = resources.get(uri);
    }
    return mine != null ? Optional.of(mine) : find(remote.resources(), Resource::uri, uri);
  }

  public synchronized List<Resource> localResources() {
    return List.copyOf(resources.values());
  }

  public synchronized List<ResourceTemplate> resourceTemplates() {
    return List.copyOf(templates.values());
  }

  /** This server's prompts followed by the prompts only other nodes serve. */
  public List<Prompt> prompts() {
    return merged(localPrompts(), remote.prompts(), Prompt::name);
  }

  public Optional<Prompt> prompt(String promptName) {
    Prompt mine;
    synchronized (this) {
      mine = prompts.get(promptName);
    }
    return mine != null ? Optional.of(mine) : find(remote.prompts(), Prompt::name, promptName);
  }

  public synchronized List<Prompt> localPrompts() {
    return List.copyOf(prompts.values());
  }

  private static <T> List<T> merged(List<T> local, List<T> others, java.util.function.Function<T, String> key) {
    if (others.isEmpty()) {
      return local;
    }
    java.util.ArrayList<T> all = new java.util.ArrayList<>(local);
    java.util.Set<String> seen = new java.util.HashSet<>();
    local.forEach(x -> seen.add(key.apply(x)));
    others.stream().filter(x -> seen.add(key.apply(x))).forEach(all::add);
    return List.copyOf(all);
  }

  private static <T> Optional<T> find(List<T> entries, java.util.function.Function<T, String> key, String wanted) {
    return entries.stream().filter(x -> key.apply(x).equals(wanted)).findFirst();
  }

  /** Adds or replaces a tool; clients hear {@code notifications/tools/list_changed}. */
  public void addTool(Tool tool) {
    synchronized (this) {
      tools.put(tool.name(), tool);
    }
    fire(CatalogKind.TOOLS);
  }

  public boolean removeTool(String toolName) {
    boolean removed;
    synchronized (this) {
      removed = tools.remove(toolName) != null;
    }
    if (removed) {
      fire(CatalogKind.TOOLS);
    }
    return removed;
  }

  public void addResource(Resource resource) {
    synchronized (this) {
      resources.put(resource.uri(), resource);
    }
    fire(CatalogKind.RESOURCES);
  }

  public boolean removeResource(String uri) {
    boolean removed;
    synchronized (this) {
      removed = resources.remove(uri) != null;
    }
    if (removed) {
      fire(CatalogKind.RESOURCES);
    }
    return removed;
  }

  public void addPrompt(Prompt prompt) {
    synchronized (this) {
      prompts.put(prompt.name(), prompt);
    }
    fire(CatalogKind.PROMPTS);
  }

  public boolean removePrompt(String promptName) {
    boolean removed;
    synchronized (this) {
      removed = prompts.remove(promptName) != null;
    }
    if (removed) {
      fire(CatalogKind.PROMPTS);
    }
    return removed;
  }

  /** Tells subscribed clients that a resource changed ({@code notifications/resources/updated}). */
  public void resourceUpdated(String uri) {
    for (Listener l : listeners) {
      l.resourceUpdated(uri);
    }
  }

  /** Hands a notification for session {@code sessionId} to the listeners (see {@link Listener}). */
  public void notifySession(
      String sessionId, String method, com.fasterxml.jackson.databind.JsonNode params) {
    for (Listener l : listeners) {
      l.sessionNotification(sessionId, method, params);
    }
  }

  /**
   * Tells this server's listeners that a catalog changed elsewhere (another node of the cluster
   * changed the same catalog); nothing in this server's own catalog changes.
   */
  public void announceCatalogChanged(CatalogKind kind) {
    fire(kind);
  }

  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  public void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  private void fire(CatalogKind kind) {
    for (Listener l : listeners) {
      l.catalogChanged(kind);
    }
  }

  public static final class Builder {
    private final String name;
    private final String version;
    private String title;
    private String instructions;
    private Completer completer;
    private boolean advertiseTools;
    private boolean advertiseResources;
    private boolean advertisePrompts;
    private final List<Tool> tools = new ArrayList<>();
    private final List<Resource> resources = new ArrayList<>();
    private final List<ResourceTemplate> templates = new ArrayList<>();
    private final List<Prompt> prompts = new ArrayList<>();

    private Builder(String name, String version) {
      this.name = Objects.requireNonNull(name);
      this.version = Objects.requireNonNull(version);
    }

    public Builder title(String title) {
      this.title = title;
      return this;
    }

    public Builder instructions(String instructions) {
      this.instructions = instructions;
      return this;
    }

    public Builder tool(Tool tool) {
      tools.add(tool);
      return this;
    }

    public Builder resource(Resource resource) {
      resources.add(resource);
      return this;
    }

    public Builder resourceTemplate(ResourceTemplate template) {
      templates.add(template);
      return this;
    }

    public Builder prompt(Prompt prompt) {
      prompts.add(prompt);
      return this;
    }

    public Builder completer(Completer completer) {
      this.completer = completer;
      return this;
    }

    /** Advertise a capability even while its catalog is empty (tools may be added later). */
    public Builder advertise(CatalogKind kind) {
      switch (kind) {
        case TOOLS -> advertiseTools = true;
        case RESOURCES -> advertiseResources = true;
        case PROMPTS -> advertisePrompts = true;
        default -> throw new IllegalArgumentException(kind.name());
      }
      return this;
    }

    public McpServer build() {
      return new McpServer(this);
    }
  }
}
