package io.erlmcp.persistence;

/**
 * Marker for test messages and events serialized with Jackson CBOR; bound in {@link
 * JournalRoundTrip#SERIALIZATION}. Never Java serialization.
 */
public interface CborSerializable {}
