package io.erlmcp.runtime.stateless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the opaque {@code requestState} of a multi round-trip request (SEP-2322): the answers the
 * client gave so far, bound to the request they belong to (method and tool/prompt name or URI)
 * and to an expiry. AES-256-GCM, so the client can neither read nor alter it; every node of a
 * cluster must share the key ({@code erlmcp.stateless.state-key}) for a retry to land anywhere.
 *
 * <p>Wire form: base64url(12-byte IV || ciphertext+tag). The associated data is a fixed label,
 * so state sealed for another purpose or by another key fails authentication.
 */
public final class RequestStateSealer {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] AAD = "erlmcp.requestState.v1".getBytes(StandardCharsets.US_ASCII);
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final Duration ttl;
  private final Clock clock;

  public RequestStateSealer(byte[] key, Duration ttl, Clock clock) {
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw new IllegalArgumentException("state key must be 16, 24 or 32 bytes, got " + key.length);
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
    this.ttl = ttl;
    this.clock = clock;
  }

  /** A sealer with a fresh random 256-bit key (single node only: no other node can open it). */
  public static RequestStateSealer random(Duration ttl) {
    return new RequestStateSealer(randomKey(), ttl, Clock.systemUTC());
  }

  public static byte[] randomKey() {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    return k;
  }

  /** The key from its base64 configuration value. */
  public static RequestStateSealer fromBase64(String base64Key, Duration ttl) {
    return new RequestStateSealer(Base64.getDecoder().decode(base64Key.trim()), ttl, Clock.systemUTC());
  }

  /** What a request state carries once opened. */
  public record Opened(String method, String target, ObjectNode responses) {}

  /** Seals the accumulated answers of the request {@code method}/{@code target}. */
  public String seal(String method, String target, ObjectNode responses) {
    ObjectNode plain = Json.object().put("m", method).put("t", target == null ? "" : target);
    plain.put("exp", clock.millis() + ttl.toMillis());
    plain.set("r", responses);
    byte[] iv = new byte[IV_BYTES];
    RANDOM.nextBytes(iv);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      c.updateAAD(AAD);
      byte[] ct = c.doFinal(plain.toString().getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[iv.length + ct.length];
      System.arraycopy(iv, 0, out, 0, iv.length);
      System.arraycopy(ct, 0, out, iv.length, ct.length);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * Opens a state sent back by the client for request {@code method}/{@code target}. Throws
   * -32602 for state that is malformed, altered, sealed by another key, sealed for another
   * request, or expired.
   */
  public Opened open(String state, String method, String target) {
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(state);
    } catch (IllegalArgumentException e) {
      throw invalid("requestState is not valid");
    }
    if (raw.length <= IV_BYTES + TAG_BITS / 8) {
      throw invalid("requestState is not valid");
    }
    JsonNode plain;
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, IV_BYTES));
      c.updateAAD(AAD);
      byte[] pt = c.doFinal(raw, IV_BYTES, raw.length - IV_BYTES);
      plain = Json.MAPPER.readTree(pt);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw invalid("requestState failed its integrity check");
    }
    if (!method.equals(plain.path("m").asText())
        || !(target == null ? "" : target).equals(plain.path("t").asText())) {
      throw invalid("requestState belongs to another request");
    }
    if (clock.millis() > plain.path("exp").asLong(0)) {
      throw invalid("requestState has expired: start the request again");
    }
    JsonNode r = plain.get("r");
    return new Opened(method, target, r != null && r.isObject() ? (ObjectNode) r : Json.object());
  }

  private static JsonRpcException invalid(String message) {
    return new JsonRpcException(JsonRpcError.invalidParams(message));
  }
}
