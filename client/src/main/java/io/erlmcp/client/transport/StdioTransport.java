package io.erlmcp.client.transport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Spawns the server command and speaks MCP on its stdin/stdout (newline-delimited JSON). The
 * server's stderr is drained by a thread of its own (so a chatty server never blocks); its last
 * lines are kept and reported when the process ends, and are passed on to this process's stderr
 * when {@code inheritStderr} is set.
 *
 * <p>{@link #close()} closes the server's stdin (the MCP way to ask a stdio server to stop), waits
 * up to two seconds, then terminates it, and kills it two seconds later.
 */
public final class StdioTransport extends LineTransport {
  private static final int STDERR_LINES = 20;

  private final List<String> command;
  private final Map<String, String> env;
  private final Path workingDir;
  private final boolean inheritStderr;
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private volatile Process process;

  public StdioTransport(List<String> command) {
    this(command, Map.of(), null, false);
  }

  /**
   * @param command the server command and its arguments
   * @param env extra environment variables for the server
   * @param workingDir its working directory, or null for this process's
   * @param inheritStderr whether the server's stderr is copied to this process's stderr
   */
  public StdioTransport(
      List<String> command, Map<String, String> env, Path workingDir, boolean inheritStderr) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("no server command");
    }
    this.command = List.copyOf(command);
    this.env = Map.copyOf(env);
    this.workingDir = workingDir;
    this.inheritStderr = inheritStderr;
  }

  @Override
  protected String name() {
    return "stdio";
  }

  @Override
  protected Streams open() throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    if (workingDir != null) {
      pb.directory(workingDir.toFile());
    }
    Process p = pb.start();
    this.process = p;
    Thread drain = new Thread(() -> drainStderr(p), "erlmcp-client-stdio-stderr");
    drain.setDaemon(true);
    drain.start();
    return new Streams(p.getInputStream(), p.getOutputStream());
  }

  private void drainStderr(Process p) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (inheritStderr) {
          System.err.println(line);
        }
        synchronized (stderrTail) {
          stderrTail.addLast(line);
          if (stderrTail.size() > STDERR_LINES) {
            stderrTail.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      // the process is gone; nothing more to drain
    }
  }

  /** The server process, once started. */
  public Process process() {
    return process;
  }

  @Override
  protected String describeEnd() {
    Process p = process;
    String status = "server closed its stdout";
    if (p != null) {
      try {
        if (p.waitFor(1, TimeUnit.SECONDS)) {
          status = "server exited with status " + p.exitValue();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    String tail;
    synchronized (stderrTail) {
      tail = String.join("\n", stderrTail);
    }
    return tail.isEmpty() ? status : status + "; its stderr ends with:\n" + tail;
  }

  @Override
  protected void release() {
    Process p = process;
    if (p == null) {
      return;
    }
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // already closed
    }
    try {
      if (!p.waitFor(2, TimeUnit.SECONDS)) {
        p.destroy();
        if (!p.waitFor(2, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }
}
