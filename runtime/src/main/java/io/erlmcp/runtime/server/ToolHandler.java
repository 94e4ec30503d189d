package io.erlmcp.runtime.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletionStage;

/**
 * A tool's code. Runs off the actor threads; may block only if the tool is registered as
 * blocking. Returning a failed stage, or throwing, fails only this request (-32603 with a safe
 * message); throw {@link io.erlmcp.runtime.jsonrpc.JsonRpcException} for a protocol error.
 */
@FunctionalInterface
public interface ToolHandler {
  CompletionStage<ToolResult> call(ObjectNode arguments, RequestContext context) throws Exception;
}
