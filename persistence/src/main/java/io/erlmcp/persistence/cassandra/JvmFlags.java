package io.erlmcp.persistence.cassandra;

import java.util.List;

/**
 * JVM flags Cassandra 5.0 needs on Java 17, following what its {@code conf/jvm17-server.options}
 * asks for. Without the module flags the node dies within a second ({@code
 * IllegalAccessException} on {@code DirectBuffer.cleaner}).
 */
final class JvmFlags {

  private JvmFlags() {}

  /** G1 with short tenuring and a bounded pause target, as Cassandra recommends. */
  static final List<String> G1 =
      List.of(
          "-XX:+UseG1GC",
          "-XX:+ParallelRefProcEnabled",
          "-XX:MaxTenuringThreshold=1",
          "-XX:G1HeapRegionSize=16m",
          "-XX:G1RSetUpdatingPauseTimePercent=5",
          "-XX:MaxGCPauseMillis=300",
          "-XX:InitiatingHeapOccupancyPercent=70");

  /** Module exports and opens of JDK internals that Cassandra and its libraries reach into. */
  static final List<String> JPMS =
      List.of(
          "-Djdk.attach.allowAttachSelf=true",
          export("java.base/jdk.internal.misc"),
          export("java.base/java.lang.ref"),
          export("java.management.rmi/com.sun.jmx.remote.internal.rmi"),
          export("java.rmi/sun.rmi.registry"),
          export("java.rmi/sun.rmi.server"),
          export("java.sql/java.sql"),
          export("jdk.unsupported/sun.misc"),
          export("jdk.compiler/com.sun.tools.javac.file"),
          export("jdk.attach/sun.tools.attach"),
          open("java.base/java.io"),
          open("java.base/java.lang"),
          open("java.base/java.lang.module"),
          open("java.base/java.lang.reflect"),
          open("java.base/java.util"),
          open("java.base/jdk.internal.loader"),
          open("java.base/jdk.internal.math"),
          open("java.base/jdk.internal.module"),
          open("java.base/jdk.internal.ref"),
          open("java.base/jdk.internal.reflect"),
          open("java.base/jdk.internal.util.jar"),
          open("java.base/sun.nio.ch"),
          open("jdk.compiler/com.sun.tools.javac"),
          open("jdk.management/com.sun.management.internal"));

  /** Netty: direct buffers through Unsafe, and the allocator defaults Cassandra is tuned for. */
  static final List<String> NETTY =
      List.of(
          "-Dio.netty.tryReflectionSetAccessible=true",
          "-Dio.netty.allocator.useCacheForAllThreads=true",
          "-Dio.netty.allocator.maxOrder=11");

  private static String export(String modulePackage) {
    return "--add-exports=" + modulePackage + "=ALL-UNNAMED";
  }

  private static String open(String modulePackage) {
    return "--add-opens=" + modulePackage + "=ALL-UNNAMED";
  }
}
