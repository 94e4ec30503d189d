package io.erlmcp.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.actors.Core;
import io.erlmcp.runtime.Json;
import java.util.function.Function;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * {@code GET /status} on Pekko Management: this node's cluster view as JSON (mode, up, self,
 * members, unreachable, leader) and the clients connected to each node ({@code clients}: total,
 * and per node its total and counts by transport), what {@code erlmcp status --management
 * HOST:PORT} prints. {@code GET /status/clients} adds each node's (bounded) list of sessions with
 * transport, client name and version. Registered under {@code
 * pekko.management.http.routes.erlmcp-status}. 503 until the core runs.
 */
public final class StatusRoute extends AbstractExtensionId<StatusRoute.Provider>
    implements ExtensionIdProvider {

  public static final StatusRoute INSTANCE = new StatusRoute();

  @Override
  public StatusRoute lookup() {
    return INSTANCE;
  }

  @Override
  public Provider createExtension(ExtendedActorSystem system) {
    return new Provider(system);
  }

  /** The cluster view with the connected-client counts under {@code clients}. */
  static JsonNode status(Core core) {
    ObjectNode o = (ObjectNode) Json.parse(core.status().get().toJson());
    o.set("clients", core.presence().get().toJson(false));
    return o;
  }

  /** The route provider itself (one per actor system). */
  public static final class Provider implements Extension, ManagementRouteProvider {
    private final ExtendedActorSystem system;

    Provider(ExtendedActorSystem system) {
      this.system = system;
    }

    @Override
    public Route routes(ManagementRouteProviderSettings settings) {
      return Directives.concat(
          Directives.path("status", () -> Directives.get(() -> answer(StatusRoute::status))),
          Directives.path(
              PathMatchers.segment("status").slash("clients"),
              () -> Directives.get(() -> answer(c -> c.presence().get().toJson(true)))));
    }

    /** {@code json} of the node's core as 200, or 503 while the node is starting. */
    private Route answer(Function<Core, JsonNode> json) {
      return Directives.complete(
          Core.of(Adapter.toTyped(system))
              .map(
                  c ->
                      HttpResponse.create()
                          .withEntity(ContentTypes.APPLICATION_JSON, json.apply(c).toString()))
              .orElseGet(
                  () ->
                      HttpResponse.create()
                          .withStatus(StatusCodes.SERVICE_UNAVAILABLE)
                          .withEntity(ContentTypes.APPLICATION_JSON, "{\"error\":\"starting\"}")));
    }
  }
}
