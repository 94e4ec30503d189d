package io.erlmcp.runtime.jsonrpc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.erlmcp.runtime.jsonrpc.Decoded.Failure;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.ErrorResponse;
import java.io.ByteArrayOutputStream;
import java.io.CharArrayReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Strict JSON-RPC 2.0 codec. Thread-safe and stateless after construction; share one instance.
 *
 * <p>Reading is strict: input must be UTF-8 (malformed, overlong and surrogate sequences are
 * rejected; a leading byte-order mark is ignored, as RFC 8259 allows), with no comments, no
 * trailing commas or tokens, no single quotes, no NaN, and no duplicate member names (rejected
 * because parsers disagree on which duplicate wins, which lets a message mean two things).
 * Everything is bounded by {@link JsonRpcLimits}. {@link #decode(byte[])} never throws: every input
 * becomes a {@link Decoded}.
 *
 * <p>Writing is compact and always emits {@code "jsonrpc":"2.0"}; responses always carry {@code
 * id}, {@code null} when unknown.
 */
public final class JsonRpcCodec {

  private static final char BOM = '\uFEFF';

  private final JsonRpcLimits limits;
  private final ObjectMapper mapper;
  private final ObjectReader treeReader;

  /** A codec with {@link JsonRpcLimits#DEFAULT}. */
  public JsonRpcCodec() {
    this(JsonRpcLimits.DEFAULT);
  }

  public JsonRpcCodec(JsonRpcLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.mapper = newMapper(limits);
    // a snapshot of the configuration: later changes to mapper() cannot loosen decoding
    this.treeReader = mapper.reader();
  }

  private static ObjectMapper newMapper(JsonRpcLimits limits) {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(limits.maxNestingDepth())
                    .maxStringLength(limits.maxStringLength())
                    .maxNameLength(limits.maxNameLength())
                    .maxNumberLength(limits.maxNumberLength())
                    .maxDocumentLength(limits.maxDocumentLength())
                    .maxTokenCount(limits.maxTokenCount())
                    .build())
            .streamWriteConstraints(
                StreamWriteConstraints.builder().maxNestingDepth(limits.maxNestingDepth()).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .disable(JsonReadFeature.ALLOW_YAML_COMMENTS)
            .disable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // emoji as 4-byte UTF-8, not as two escaped surrogates; lone surrogates stay escaped
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();
    return JsonMapper.builder(factory)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(SerializationFeature.INDENT_OUTPUT)
        .addModule(new Jdk8Module())
        .build();
  }

  public JsonRpcLimits limits() {
    return limits;
  }

  /**
   * The configured mapper, for code that binds MCP types with the same limits and strictness. Treat
   * it as read-only: reconfiguring it affects every other user (though not this codec's decoding).
   */
  public ObjectMapper mapper() {
    return mapper;
  }

  /** Decodes UTF-8 bytes. Never throws, whatever the input (a {@code null} is a parse error). */
  public Decoded decode(byte[] bytes) {
    if (bytes == null) {
      return parseError("Parse error: no input");
    }
    if (bytes.length > limits.maxDocumentLength()) {
      return tooLarge();
    }
    if (isAscii(bytes)) {
      // The common case: pure ASCII is valid UTF-8 with no BOM, so Jackson's byte parser can
      // read it directly, without decoding to chars first.
      return parseBytes(bytes);
    }
    CharBuffer chars;
    try {
      // newDecoder() reports malformed input instead of replacing it
      chars = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
    } catch (CharacterCodingException e) {
      return parseError("Parse error: invalid UTF-8");
    }
    if (chars.hasRemaining() && chars.get(chars.position()) == BOM) {
      chars.get();
    }
    return parse(
        new CharArrayReader(
            chars.array(), chars.arrayOffset() + chars.position(), chars.remaining()));
  }

  /** Decodes text. Never throws, whatever the input (a {@code null} is a parse error). */
  public Decoded decode(String text) {
    if (text == null) {
      return parseError("Parse error: no input");
    }
    if (text.length() > limits.maxDocumentLength()) {
      return tooLarge();
    }
    int start = !text.isEmpty() && text.charAt(0) == BOM ? 1 : 0;
    return parse(new StringReader(text.substring(start)));
  }

  /**
   * Printable-range ASCII only: no byte >= 0x80 (so valid UTF-8) and no NUL (Jackson's byte
   * parser would take NULs for UTF-16/32 and decode them; the slow path rejects those).
   */
  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b <= 0) {
        return false;
      }
    }
    return true;
  }

  /** One way of reading a tree: from bytes or from a reader. */
  @FunctionalInterface
  private interface TreeSource {
    JsonNode read() throws IOException;
  }

  private Decoded parseBytes(byte[] ascii) {
    return parse(() -> treeReader.readTree(ascii));
  }

  private Decoded parse(Reader reader) {
    return parse(() -> treeReader.readTree(reader));
  }

  private Decoded parse(TreeSource source) {
    JsonNode tree;
    try {
      tree = source.read();
    } catch (StreamConstraintsException e) {
      return tooLarge();
    } catch (IOException e) {
      return parseError("Parse error");
    } catch (RuntimeException e) {
      // defence in depth: a parser bug must not take the connection down
      return parseError("Parse error");
    }
    return classify(tree);
  }

  private Decoded classify(JsonNode tree) {
    if (tree == null || tree.isMissingNode()) {
      return parseError("Parse error: no JSON value");
    }
    if (tree.isObject()) {
      return MessageReader.read(tree);
    }
    if (tree.isArray()) {
      return readBatch(tree);
    }
    return invalidRequest("Invalid Request: expected an object or an array");
  }

  private static Decoded readBatch(JsonNode array) {
    if (array.isEmpty()) {
      return invalidRequest("Invalid Request: empty batch");
    }
    List<Decoded.Item> items = new ArrayList<>(array.size());
    for (JsonNode element : array) {
      items.add(MessageReader.read(element));
    }
    return new Decoded.Batch(items);
  }

  /**
   * Encodes one message as compact UTF-8 JSON.
   *
   * @throws IllegalArgumentException when the message nests deeper than {@link
   *     JsonRpcLimits#maxNestingDepth()} or holds a tree Jackson cannot write
   */
  public byte[] encode(JsonRpcMessage message) {
    Objects.requireNonNull(message, "message");
    return write(gen -> MessageWriter.write(gen, message));
  }

  /** {@link #encode} as a string. */
  public String encodeToString(JsonRpcMessage message) {
    return new String(encode(message), StandardCharsets.UTF_8);
  }

  /**
   * Encodes a batch as a JSON array, in list order.
   *
   * @throws IllegalArgumentException when {@code messages} is empty (JSON-RPC has no empty batch)
   *     or as for {@link #encode}
   */
  public byte[] encodeBatch(List<? extends JsonRpcMessage> messages) {
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a batch is never empty");
    }
    List<JsonRpcMessage> copy = List.copyOf(messages);
    return write(
        gen -> {
          gen.writeStartArray();
          for (JsonRpcMessage message : copy) {
            MessageWriter.write(gen, message);
          }
          gen.writeEndArray();
        });
  }

  private interface Body {
    void writeTo(JsonGenerator gen) throws IOException;
  }

  private byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator gen = mapper.createGenerator(out)) {
      body.writeTo(gen);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode message: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static Decoded tooLarge() {
    return parseError("Parse error: input exceeds a limit");
  }

  private static Failure parseError(String message) {
    return new Failure(new ErrorResponse(null, JsonRpcError.parseError(message)));
  }

  private static Failure invalidRequest(String message) {
    return new Failure(new ErrorResponse(null, JsonRpcError.invalidRequest(message)));
  }
}
