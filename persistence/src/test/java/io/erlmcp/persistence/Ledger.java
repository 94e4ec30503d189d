package io.erlmcp.persistence;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * The smallest useful event-sourced entity: an append-only list of strings. {@code Append}
 * persists an {@code Appended} event and acknowledges once it is written; {@code GetEntries}
 * answers with the state, which after a restart is rebuilt from the journal.
 */
public final class Ledger
    extends EventSourcedBehavior<Ledger.Command, Ledger.Appended, Ledger.Entries> {

  public sealed interface Command extends CborSerializable {}

  public record Append(String entry, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record GetEntries(ActorRef<Entries> replyTo) implements Command {}

  /** The only event: one entry was appended. */
  public record Appended(String entry) implements CborSerializable {}

  /** The state and the answer to {@code GetEntries}; entries in the order they were appended. */
  public record Entries(List<String> entries) implements CborSerializable {
    public Entries {
      entries = List.copyOf(entries);
    }

    Entries with(String entry) {
      List<String> next = new ArrayList<>(entries);
      next.add(entry);
      return new Entries(next);
    }
  }

  public static Behavior<Command> create(PersistenceId persistenceId) {
    return new Ledger(persistenceId);
  }

  private Ledger(PersistenceId persistenceId) {
    super(persistenceId);
  }

  @Override
  public Entries emptyState() {
    return new Entries(List.of());
  }

  @Override
  public CommandHandler<Command, Appended, Entries> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Append.class, this::onAppend)
        .onCommand(GetEntries.class, (state, get) -> Effect().reply(get.replyTo(), state))
        .build();
  }

  private org.apache.pekko.persistence.typed.javadsl.Effect<Appended, Entries> onAppend(
      Append append) {
    return Effect()
        .persist(new Appended(append.entry()))
        .thenReply(append.replyTo(), state -> StatusReply.ack());
  }

  @Override
  public EventHandler<Entries, Appended> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Appended.class, (state, event) -> state.with(event.entry()))
        .build();
  }
}
