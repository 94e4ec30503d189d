package io.erlmcp.cli;

import io.erlmcp.examples.ConformanceServer;
import io.erlmcp.examples.HelloServer;
import io.erlmcp.runtime.server.McpServer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The servers the command can serve: the built-in examples by name, or any class on the
 * classpath with a {@code public static McpServer create()} (bin/erlmcp adds ERLMCP_CLASSPATH).
 */
final class Servers {
  private Servers() {}

  static final Map<String, Supplier<McpServer>> BUILT_IN = new LinkedHashMap<>();

  static {
    BUILT_IN.put("hello", HelloServer::create);
    BUILT_IN.put("conformance", ConformanceServer::create);
  }

  /** The server named {@code name}; throws IllegalArgumentException with a clear message. */
  static McpServer resolve(String name) {
    Supplier<McpServer> builtIn = BUILT_IN.get(name);
    if (builtIn != null) {
      return builtIn.get();
    }
    Class<?> cls;
    try {
      cls = Class.forName(name);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(
          "unknown server '"
              + name
              + "': not one of "
              + BUILT_IN.keySet()
              + " and no such class on the classpath (set ERLMCP_CLASSPATH)");
    }
    try {
      Method create = cls.getMethod("create");
      if (!Modifier.isStatic(create.getModifiers())
          || !McpServer.class.isAssignableFrom(create.getReturnType())) {
        throw new NoSuchMethodException();
      }
      return (McpServer) create.invoke(null);
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(
          name + " has no public static McpServer create() method");
    } catch (IllegalAccessException e) {
      throw new IllegalArgumentException(name + ".create() is not accessible");
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(
          name + ".create() failed: " + e.getCause(), e.getCause());
    }
  }
}
