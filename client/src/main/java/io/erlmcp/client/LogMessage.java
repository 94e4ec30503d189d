package io.erlmcp.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.protocol.LogLevel;

/** A {@code notifications/message} from the server; {@code logger} may be null. */
public record LogMessage(LogLevel level, String logger, JsonNode data) {}
