package io.erlmcp.actors;

/**
 * Marker for messages and state that cross JVMs or reach the journal: bound to Jackson CBOR in
 * {@code reference.conf}. Never Java serialization.
 */
public interface CborSerializable {}
