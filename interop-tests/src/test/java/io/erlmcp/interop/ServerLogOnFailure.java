package io.erlmcp.interop;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * When a test (or its class set-up) fails, prints the tail of the server logs it watches and
 * attaches it to the failure, so the report shows what the server said.
 */
final class ServerLogOnFailure
    implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
  private static final int LINES = 60;
  private final List<Path> logs = new CopyOnWriteArrayList<>();

  /** @return the log, for chaining */
  Path watch(Path log) {
    logs.add(log);
    return log;
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable t) throws Throwable {
    throw attach(t);
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable t)
      throws Throwable {
    throw attach(t);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable t)
      throws Throwable {
    throw attach(t);
  }

  private Throwable attach(Throwable t) {
    for (Path log : logs) {
      String tail = ErlmcpServer.tail(log, LINES);
      System.err.println("---- server log on failure: " + tail);
      t.addSuppressed(new ServerLogTail(tail));
    }
    return t;
  }

  /** Carries a log tail in a failure report; no stack trace of its own. */
  static final class ServerLogTail extends Exception {
    private static final long serialVersionUID = 1L;

    ServerLogTail(String tail) {
      super(tail, null, false, false);
    }
  }
}
