package io.erlmcp.runtime.jsonrpc;

/**
 * Bounds the codec enforces while reading, so that no input can exhaust the stack or the heap.
 * Input over a limit is answered with {@link JsonRpcError#PARSE_ERROR}.
 *
 * @param maxNestingDepth deepest allowed nesting of arrays and objects, counting the message object
 *     itself as 1 (so {@code params} members sit at depth 3). Also bounds writing, so every decoded
 *     message can be encoded again.
 * @param maxStringLength longest string value, in chars
 * @param maxNameLength longest member name, in chars
 * @param maxNumberLength most digits in one number (integer, fraction and exponent digits together;
 *     sign, point and exponent marker are not counted)
 * @param maxDocumentLength largest input, in bytes (or chars for {@link
 *     JsonRpcCodec#decode(String)})
 * @param maxTokenCount most JSON tokens in one input
 */
public record JsonRpcLimits(
    int maxNestingDepth,
    int maxStringLength,
    int maxNameLength,
    int maxNumberLength,
    long maxDocumentLength,
    long maxTokenCount) {

  /**
   * Defaults: depth 64 (tool schemas and arguments rarely pass 20), strings up to 16 Mi chars
   * (base64 resource blobs), names up to 4 Ki chars, numbers up to 256 digits, documents up to 32
   * MiB and 4 Mi tokens.
   */
  public static final JsonRpcLimits DEFAULT =
      new JsonRpcLimits(64, 16 * 1024 * 1024, 4 * 1024, 256, 32L * 1024 * 1024, 4L * 1024 * 1024);

  public JsonRpcLimits {
    // 3: the message object, params and one level inside it
    if (maxNestingDepth < 3) {
      throw new IllegalArgumentException("maxNestingDepth must be at least 3");
    }
    if (maxStringLength < 1 || maxNameLength < 1 || maxNumberLength < 1) {
      throw new IllegalArgumentException("string, name and number limits must be positive");
    }
    if (maxDocumentLength < 2 || maxTokenCount < 2) {
      throw new IllegalArgumentException("document and token limits must allow {}");
    }
  }
}
