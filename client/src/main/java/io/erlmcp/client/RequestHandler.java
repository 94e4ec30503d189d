package io.erlmcp.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletionStage;

/**
 * Answers a request the server sends to the client ({@code sampling/createMessage}, {@code
 * elicitation/create}, {@code roots/list}), whether it arrives as a server-to-client JSON-RPC
 * request (session revisions) or inside an {@code input_required} result (2026-07-28): one
 * callback serves both.
 *
 * <p>Return the result object (e.g. {@code {"action":"accept","content":{...}}}); fail the stage
 * with {@link McpErrorException} to answer with a JSON-RPC error. Runs on a client thread, never on
 * a transport's reader, so it may block or call the server.
 */
@FunctionalInterface
public interface RequestHandler {
  CompletionStage<JsonNode> handle(JsonNode params);
}
