package io.erlmcp.runtime.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/** A prompt template and the code that renders it. */
public record Prompt(
    String name, String title, String description, List<Argument> arguments, Renderer renderer) {

  public record Argument(String name, String title, String description, boolean required) {
    ObjectNode toJson(ProtocolVersion v) {
      ObjectNode n = Json.object().put("name", name);
      if (title != null && v.hasTitles()) {
        n.put("title", title);
      }
      if (description != null) {
        n.put("description", description);
      }
      return n.put("required", required);
    }
  }

  /** A rendered prompt: an optional description and the messages. */
  public record Result(String description, List<Message> messages) {
    public Result {
      messages = List.copyOf(messages);
    }

    /** The result as {@code prompts/get} answers it to a client of the given revision. */
    public ObjectNode toJson(ProtocolVersion v) {
      ObjectNode result = Json.object();
      if (description != null) {
        result.put("description", description);
      }
      ArrayNode msgs = result.putArray("messages");
      for (Message m : messages) {
        ObjectNode mn = msgs.addObject().put("role", m.role());
        mn.set("content", m.content().toJson(v));
      }
      return result;
    }

    /** A result another node wrote with {@link #toJson}: its content blocks are carried as is. */
    public static Result fromJson(com.fasterxml.jackson.databind.JsonNode n) {
      java.util.ArrayList<Message> msgs = new java.util.ArrayList<>();
      n.path("messages")
          .forEach(
              m ->
                  msgs.add(
                      new Message(
                          m.path("role").asText(),
                          new Content.Raw((ObjectNode) m.path("content")))));
      return new Result(n.hasNonNull("description") ? n.get("description").asText() : null, msgs);
    }
  }

  /** One message of a rendered prompt. */
  public record Message(String role, Content content) {
    public static Message user(Content c) {
      return new Message("user", c);
    }

    public static Message assistant(Content c) {
      return new Message("assistant", c);
    }
  }

  @FunctionalInterface
  public interface Renderer {
    CompletionStage<Result> render(Map<String, String> arguments, RequestContext context)
        throws Exception;
  }

  public Prompt {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(renderer, "renderer");
    arguments = arguments == null ? List.of() : List.copyOf(arguments);
  }

  public ObjectNode toJson(ProtocolVersion v) {
    ObjectNode n = Json.object().put("name", name);
    if (title != null && v.hasTitles()) {
      n.put("title", title);
    }
    if (description != null) {
      n.put("description", description);
    }
    ArrayNode args = n.putArray("arguments");
    arguments.forEach(a -> args.add(a.toJson(v)));
    return n;
  }
}
