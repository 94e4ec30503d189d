package io.erlmcp.runtime.server;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Completion of prompt arguments and resource template variables ({@code completion/complete}).
 */
@FunctionalInterface
public interface Completer {

  /** What is being completed: a prompt's argument or a resource template's variable. */
  record Request(
      String refType,
      String refName,
      String argumentName,
      String value,
      Map<String, String> contextArguments) {}

  /** At most 100 values; {@code total} and {@code hasMore} when there are more. */
  record Result(List<String> values, Integer total, boolean hasMore) {
    public Result {
      values = List.copyOf(values);
    }

    public static Result of(List<String> values) {
      return new Result(values, values.size(), false);
    }
  }

  CompletionStage<Result> complete(Request request, RequestContext context) throws Exception;
}
