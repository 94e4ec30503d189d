/**
 * JSON-RPC 2.0 as MCP uses it: message types, error codes and a strict, thread-safe codec.
 *
 * <p>The layer is transport-agnostic and Pekko-free. {@link io.erlmcp.runtime.jsonrpc.JsonRpcCodec}
 * turns bytes into a {@link io.erlmcp.runtime.jsonrpc.Decoded} value (never an exception) and
 * {@link io.erlmcp.runtime.jsonrpc.JsonRpcMessage}s back into bytes. Whether a batch is acceptable
 * is a protocol-revision decision left to the caller; the codec only reports one.
 *
 * <p>Where MCP is stricter than JSON-RPC 2.0 the codec follows MCP: request ids are strings or
 * integers, never {@code null}.
 */
package io.erlmcp.runtime.jsonrpc;
