/**
 * The shape every aggregate's rules take (emmett-style deciders): `decide` turns a command and
 * the folded state into new events or throws a DomainError; `evolve` folds one event into the
 * state. Both are pure, so a command handler is only read -> fold -> decide -> append.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** A command: a stable type name and its data (time, ids and the actor included). */
export interface Command<Type extends string, Data> {
  type: Type;
  data: Data;
}

/** Folds a stream's events into the decider's state. */
export const fold = <Event, State>(
  decider: Pick<Decider<unknown, Event, State>, 'evolve' | 'initialState'>,
  events: readonly Event[],
): State => events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
