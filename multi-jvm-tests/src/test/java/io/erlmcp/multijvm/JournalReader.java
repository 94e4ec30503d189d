package io.erlmcp.multijvm;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.internal.core.loadbalancing.DcInferringLoadBalancingPolicy;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads erlmcp's session journal straight from Cassandra (keyspace {@code erlmcp}, table {@code
 * messages} of pekko-persistence-cassandra): the keys of a session's {@code DataPut} events, to
 * check that every write is there exactly once; and whether a read at consistency ALL succeeds,
 * i.e. every replica answers.
 */
final class JournalReader implements AutoCloseable {
  private static final CBORMapper CBOR = new CBORMapper();
  private final CqlSession session;
  private final PreparedStatement events;

  JournalReader(String contactPoints) {
    DriverConfigLoader config =
        DriverConfigLoader.programmaticBuilder()
            .withClass(DefaultDriverOption.LOAD_BALANCING_POLICY_CLASS, DcInferringLoadBalancingPolicy.class)
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(15))
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
            .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(10))
            .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
            .build();
    var builder = CqlSession.builder().withConfigLoader(config);
    for (String point : contactPoints.split(",")) {
      int colon = point.lastIndexOf(':');
      builder.addContactPoint(
          new InetSocketAddress(point.substring(0, colon), Integer.parseInt(point.substring(colon + 1))));
    }
    session = builder.build();
    events =
        session.prepare(
            "SELECT ser_manifest, event FROM erlmcp.messages WHERE persistence_id = ? AND partition_nr = 0");
  }

  /** How often each key occurs in the DataPut events of session {@code sid}, read at QUORUM. */
  Map<String, Integer> dataPutKeys(String sid) {
    Map<String, Integer> keys = new HashMap<>();
    for (Row row : session.execute(select(sid, DefaultConsistencyLevel.QUORUM))) {
      if (row.getString("ser_manifest").endsWith("$DataPut")) {
        keys.merge(decode(row.getByteBuffer("event")).path("key").asText(), 1, Integer::sum);
      }
    }
    return keys;
  }

  /** Whether session {@code sid}'s events can be read at ALL: every replica answers. */
  boolean allReplicasAnswer(String sid) {
    try {
      session.execute(select(sid, DefaultConsistencyLevel.ALL)).all();
      return true;
    } catch (DriverException e) {
      return false;
    }
  }

  private com.datastax.oss.driver.api.core.cql.BoundStatement select(String sid, ConsistencyLevel level) {
    return events.bind("erlmcp-session|" + sid).setConsistencyLevel(level);
  }

  private static com.fasterxml.jackson.databind.JsonNode decode(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    try {
      if (bytes.length > 1 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
          bytes = in.readAllBytes();
        }
      }
      return CBOR.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    session.close();
  }
}
