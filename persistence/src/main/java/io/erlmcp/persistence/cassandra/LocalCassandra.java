package io.erlmcp.persistence.cassandra;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real Apache Cassandra 5.0 node for development and tests, run as a child JVM.
 *
 * <p>{@link #start()} writes {@code cassandra.yaml} and {@code logback.xml} into the node
 * directory, launches {@code org.apache.cassandra.service.CassandraDaemon} on Java 17 with the
 * classpath of {@code persistence/cassandra-server/pom.xml}, and returns once CQL answers. It is
 * idempotent: when a node already answers CQL on the native port nothing is spawned. {@link
 * #stop()} sends SIGTERM (Cassandra drains), waits, then kills.
 *
 * <p>A lone node (no {@link Settings#seeds()}) is tuned to boot fast (ring delay 1 s, no wait for
 * gossip to settle). A node given seeds joins them: ring delay 5 s, gossip settles, and it
 * bootstraps (streams its ranges) when its data directory is new; start such nodes one after
 * another, since Cassandra refuses concurrent bootstraps.
 */
public final class LocalCassandra {

  /**
   * Where and how the node runs.
   *
   * @param dir node directory: config, data, logs and pidfile
   * @param host listen, RPC and native address; a loopback address by default
   * @param nativePort CQL port clients connect to
   * @param storagePort inter-node (gossip) port; must be free even for a lone node
   * @param clusterName must not change once the data directory exists; every node of one
   *     cluster has the same
   * @param seeds storage addresses ({@code host:port}) of the cluster's seed nodes; empty for a
   *     lone node (its own address is its seed, and it boots fast)
   * @param maxHeap the {@code -Xmx} value, e.g. {@code 512M}
   * @param startTimeout how long {@link #start()} waits for CQL
   * @param stopTimeout how long {@link #stop()} waits after SIGTERM before killing
   * @param java a Java 17 executable; empty to locate one (see {@link Java17Locator})
   * @param detach run the node in its own session so it outlives the launching JVM and its
   *     terminal (used by {@code bin/cassandra})
   */
  public record Settings(
      Path dir,
      String host,
      int nativePort,
      int storagePort,
      String clusterName,
      List<String> seeds,
      String maxHeap,
      Duration startTimeout,
      Duration stopTimeout,
      Optional<Path> java,
      boolean detach) {

    public static final int DEFAULT_NATIVE_PORT = 9042;
    public static final int DEFAULT_STORAGE_PORT = 7000;

    public Settings {
      dir = dir.toAbsolutePath().normalize();
      seeds = List.copyOf(seeds);
    }

    /** Whether the node joins (or forms) a cluster with others rather than running alone. */
    public boolean clustered() {
      return !seeds.isEmpty();
    }

    /** 127.0.0.1:9042 (storage 7000), 512 MB heap, 120 s to start, 30 s to stop. */
    public static Settings defaults(Path dir) {
      return new Settings(
          dir,
          "127.0.0.1",
          DEFAULT_NATIVE_PORT,
          DEFAULT_STORAGE_PORT,
          "erlmcp-dev",
          List.of(),
          "512M",
          Duration.ofSeconds(120),
          Duration.ofSeconds(30),
          Optional.empty(),
          false);
    }

    /** Listen, RPC and native address (e.g. an address inside a test network namespace). */
    public Settings withHost(String host) {
      return new Settings(
          dir, host, nativePort, storagePort, clusterName, seeds, maxHeap, startTimeout, stopTimeout,
          java, detach);
    }

    public Settings withPorts(int nativePort, int storagePort) {
      return new Settings(
          dir, host, nativePort, storagePort, clusterName, seeds, maxHeap, startTimeout, stopTimeout,
          java, detach);
    }

    public Settings withMaxHeap(String maxHeap) {
      return new Settings(
          dir, host, nativePort, storagePort, clusterName, seeds, maxHeap, startTimeout, stopTimeout,
          java, detach);
    }

    public Settings withStartTimeout(Duration startTimeout) {
      return new Settings(
          dir, host, nativePort, storagePort, clusterName, seeds, maxHeap, startTimeout, stopTimeout,
          java, detach);
    }

    public Settings withJava(Path java) {
      return new Settings(
          dir, host, nativePort, storagePort, clusterName, seeds, maxHeap, startTimeout, stopTimeout,
          Optional.of(java), detach);
    }

    /** The cluster's name: nodes of different names refuse to gossip with each other. */
    public Settings withClusterName(String clusterName) {
      return new Settings(
          dir, host, nativePort, storagePort, clusterName, seeds, maxHeap, startTimeout,
          stopTimeout, java, detach);
    }

    /**
     * Seed nodes ({@code host:port} storage addresses) of a multi-node cluster; the same list on
     * every node. A node listed in its own seeds starts the cluster; the others join it.
     */
    public Settings withSeeds(List<String> seeds) {
      return new Settings(
          dir, host, nativePort, storagePort, clusterName, seeds, maxHeap, startTimeout,
          stopTimeout, java, detach);
    }

    public Settings withDetach(boolean detach) {
      return new Settings(
          dir, host, nativePort, storagePort, clusterName, seeds, maxHeap, startTimeout, stopTimeout,
          java, detach);
    }
  }

  /**
   * What {@link #start()} found or did.
   *
   * @param spawned true when this call launched the node, false when one already answered
   * @param pid the node's pid when known (from this call or the pidfile)
   * @param releaseVersion what {@code system.local} reports
   * @param elapsed from the call to CQL ready
   */
  public record Started(
      boolean spawned, Optional<Long> pid, String releaseVersion, Duration elapsed) {}

  /**
   * What {@link #status()} sees.
   *
   * @param pid the pidfile's process, when it is alive and is a CassandraDaemon
   * @param releaseVersion present when CQL answers on the native port
   */
  public record Status(Optional<Long> pid, Optional<String> releaseVersion) {
    public boolean ready() {
      return releaseVersion.isPresent();
    }
  }

  /** What {@link #stop()} did. */
  public enum Stopped {
    /** The node from the pidfile ended after SIGTERM. */
    GRACEFULLY,
    /** The node ignored SIGTERM for the stop timeout and was killed. */
    KILLED,
    /** No node of this directory was running. */
    NOT_RUNNING
  }

  private static final String MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon";
  private static final Duration POLL = Duration.ofMillis(500);
  private static final int LOG_TAIL_LINES = 40;
  private static final String LOCK_FILE = "launcher.lock";

  private final Settings settings;
  private final NodeFiles files;
  private Process process;

  public LocalCassandra(Settings settings) {
    this.settings = settings;
    this.files = new NodeFiles(settings.dir());
  }

  public Settings settings() {
    return settings;
  }

  /** Cassandra's log file, for messages that tell people where to look. */
  public Path systemLog() {
    return files.systemLog();
  }

  /**
   * Starts the node unless it already answers CQL, and waits until it does.
   *
   * @throws LocalCassandraException when a port is taken, Java or Maven is missing, the node
   *     dies, or CQL does not answer within the start timeout; the message ends with the logs'
   *     tail
   */
  public synchronized Started start() {
    long began = System.nanoTime();
    // Launchers of the same directory take turns: the second one then finds the first's node.
    try (FileChannel channel = lockFile(); FileLock lock = channel.lock()) {
      assert lock.isValid();
      return startLocked(began);
    } catch (IOException e) {
      throw new LocalCassandraException("Cannot lock " + files.dir().resolve(LOCK_FILE), e);
    }
  }

  private FileChannel lockFile() throws IOException {
    Files.createDirectories(files.dir());
    return FileChannel.open(
        files.dir().resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  private Started startLocked(long began) {
    Optional<String> running = CqlProbe.releaseVersion(settings.host(), settings.nativePort());
    if (running.isPresent()) {
      return new Started(false, livePid(), running.get(), since(began));
    }
    Optional<Long> starting = livePid();
    if (starting.isPresent()) {
      // Another launcher started this directory's node and it is still booting: wait for it.
      String version = awaitCql(starting.get(), ProcessHandle.of(starting.get()), began);
      return new Started(false, starting, version, since(began));
    }
    checkPortFree(settings.nativePort(), "native (CQL)");
    checkPortFree(settings.storagePort(), "storage");
    Path java = Java17Locator.locate(settings.java());
    String classpath = ServerClasspath.resolve(ServerClasspath.locatePom());
    try {
      files.write(settings);
      Files.deleteIfExists(files.consoleLog());
      Files.deleteIfExists(files.systemLog());
    } catch (IOException e) {
      throw new LocalCassandraException("Cannot prepare the node directory " + files.dir(), e);
    }
    CqlProbe.warmUpInBackground(settings.host(), settings.nativePort());
    List<String> command = command(java, classpath);
    try {
      process =
          new ProcessBuilder(command)
              .directory(files.dir().toFile())
              .redirectErrorStream(true)
              .redirectOutput(files.consoleLog().toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
    } catch (IOException e) {
      throw new LocalCassandraException(
          "Cannot launch Cassandra with " + java + ": " + e.getMessage(), e);
    }
    long pid = process.pid();
    try {
      Files.writeString(files.pidFile(), pid + "\n", StandardCharsets.US_ASCII);
    } catch (IOException e) {
      kill(process.toHandle());
      throw new LocalCassandraException("Cannot write the pidfile " + files.pidFile(), e);
    }
    try {
      String version = awaitCql(pid, Optional.of(process.toHandle()), began);
      return new Started(true, Optional.of(pid), version, since(began));
    } catch (LocalCassandraException e) {
      kill(process.toHandle());
      deletePidFile();
      throw e;
    }
  }

  /** Stops this directory's node: SIGTERM, wait up to the stop timeout, then SIGKILL. */
  public synchronized Stopped stop() {
    Optional<ProcessHandle> node =
        process != null && process.isAlive()
            ? Optional.of(process.toHandle())
            : livePid().flatMap(ProcessHandle::of);
    if (node.isEmpty()) {
      deletePidFile();
      return Stopped.NOT_RUNNING;
    }
    ProcessHandle handle = node.get();
    handle.destroy();
    boolean graceful = waitForExit(handle, settings.stopTimeout());
    if (!graceful) {
      handle.destroyForcibly();
      waitForExit(handle, Duration.ofSeconds(10));
    }
    deletePidFile();
    process = null;
    return graceful ? Stopped.GRACEFULLY : Stopped.KILLED;
  }

  /** The pidfile's process (if alive) and whether CQL answers. Never starts anything. */
  public Status status() {
    return new Status(livePid(), CqlProbe.releaseVersion(settings.host(), settings.nativePort()));
  }

  /** Waits for the spawned node to end; for foreground use. */
  public int awaitExit() throws InterruptedException {
    return process == null ? 0 : process.waitFor();
  }

  List<String> command(Path java, String classpath) {
    List<String> command = new ArrayList<>();
    if (settings.detach() && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      // A new session: no controlling terminal, so neither Ctrl-C nor a closed terminal reaches
      // the node. setsid execs Java in place, so the pid stays the node's pid.
      command.add("/usr/bin/setsid");
    }
    command.add(java.toString());
    command.add("-Xms" + settings.maxHeap());
    command.add("-Xmx" + settings.maxHeap());
    command.addAll(JvmFlags.G1);
    command.addAll(JvmFlags.JPMS);
    command.addAll(JvmFlags.NETTY);
    command.add("-XX:ErrorFile=" + files.logDir().resolve("hs_err_%p.log"));
    command.add("-Djava.net.preferIPv4Stack=true");
    command.add("-Dcassandra-foreground=yes");
    command.add("-Dcassandra.storagedir=" + files.dir());
    command.add("-Dcassandra.logdir=" + files.logDir());
    command.add("-Dcassandra.config=" + files.yaml().toUri());
    command.add("-Dlogback.configurationFile=" + files.logbackXml());
    if (settings.clustered()) {
      // Joining others: the node must learn the ring and the schema before it takes tokens, but
      // 5 s is plenty on loopback (the default is 30 s).
      command.add("-Dcassandra.ring_delay_ms=5000");
    } else {
      // Lone-node boot: without these the first start sleeps 30 s waiting for a ring that never
      // comes. Never for nodes that join others.
      command.add("-Dcassandra.ring_delay_ms=1000");
      command.add("-Dcassandra.skip_wait_for_gossip_to_settle=0");
    }
    command.add("-cp");
    command.add(classpath);
    command.add(MAIN_CLASS);
    return command;
  }

  private String awaitCql(long pid, Optional<ProcessHandle> node, long began) {
    long deadline = began + settings.startTimeout().toNanos();
    while (true) {
      if (node.isEmpty() || !node.get().isAlive()) {
        throw new LocalCassandraException(
            "Cassandra (pid "
                + pid
                + ") exited"
                + exitCode()
                + " before CQL answered on "
                + settings.host()
                + ":"
                + settings.nativePort()
                + "\n"
                + logTails());
      }
      Optional<String> version = CqlProbe.releaseVersion(settings.host(), settings.nativePort());
      if (version.isPresent()) {
        return version.get();
      }
      if (System.nanoTime() > deadline) {
        throw new LocalCassandraException(
            "Cassandra (pid "
                + pid
                + ") did not answer CQL on "
                + settings.host()
                + ":"
                + settings.nativePort()
                + " within "
                + settings.startTimeout().toSeconds()
                + " s; it was stopped\n"
                + logTails());
      }
      sleep(POLL);
    }
  }

  private String exitCode() {
    if (process == null) {
      return "";
    }
    try {
      // The handle saw the process end, but the exit code may lag a moment behind.
      process.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
      return process.isAlive() ? "" : " with code " + process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private String logTails() {
    return LogTail.of(files.consoleLog(), LOG_TAIL_LINES)
        + "\n"
        + LogTail.of(files.systemLog(), LOG_TAIL_LINES);
  }

  private void checkPortFree(int port, String role) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(settings.host()), port));
    } catch (IOException e) {
      throw new LocalCassandraException(
          "Cannot start Cassandra in "
              + files.dir()
              + ": its "
              + role
              + " port "
              + settings.host()
              + ":"
              + port
              + " is already in use by another process ("
              + e.getMessage()
              + ")");
    }
  }

  /** The pidfile's pid, when that process is alive and is a CassandraDaemon (not a reused pid). */
  private Optional<Long> livePid() {
    if (!Files.isRegularFile(files.pidFile())) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(files.pidFile(), StandardCharsets.US_ASCII).trim());
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(LocalCassandra::isCassandra)
        .map(ProcessHandle::pid);
  }

  private static boolean isCassandra(ProcessHandle handle) {
    Path cmdline = Path.of("/proc", Long.toString(handle.pid()), "cmdline");
    try {
      if (Files.isReadable(cmdline)) {
        return new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).contains(MAIN_CLASS);
      }
    } catch (IOException e) {
      // fall through to the portable, possibly truncated view
    }
    return handle.info().commandLine().map(line -> line.contains(MAIN_CLASS)).orElse(false);
  }

  private void deletePidFile() {
    try {
      Files.deleteIfExists(files.pidFile());
    } catch (IOException e) {
      // a stale pidfile is harmless: livePid() checks the process behind it
    }
  }

  private static void kill(ProcessHandle handle) {
    handle.destroyForcibly();
    waitForExit(handle, Duration.ofSeconds(10));
  }

  private static boolean waitForExit(ProcessHandle handle, Duration timeout) {
    try {
      handle.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return !handle.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !handle.isAlive();
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalCassandraException("Interrupted while waiting for Cassandra", e);
    }
  }

  private static Duration since(long began) {
    return Duration.ofNanos(System.nanoTime() - began);
  }
}
