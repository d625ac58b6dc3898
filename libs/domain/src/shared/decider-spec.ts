/**
 * Given events -> when command -> then events (or an error code), for decider specs only.
 * It relies on jest's global `expect` and is not exported from the package's index.
 *
 *   const given = specFor(questionDecider);
 *   given([asked]).when(close).then([closed]);
 *   given([]).when(close).then('QUESTION_NOT_FOUND');
 *   given([]).when(ask).thenFailsOn(['title', 'body']);
 */
import { Decider, fold } from './decider';
import { DomainError } from './errors';

export interface Then<Event> {
  /** Expected events (`[]` for "nothing happens"), or the code of the expected DomainError. */
  then(expected: Event[] | string): void;
  /** Expects VALIDATION_FAILED naming exactly these fields. */
  thenFailsOn(fields: string[]): void;
  /** The events decided, for assertions the other forms cannot express. */
  events(): Event[];
}

function run<C, E, S>(decider: Decider<C, E, S>, given: E[], command: C): E[] | DomainError {
  const state = fold(decider, given);
  try {
    return decider.decide(command, state);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}

const describeError = (e: DomainError) =>
  `${e.code}${e.errors ? ' ' + JSON.stringify(e.errors) : ''}`;

export const specFor =
  <C, E, S>(decider: Decider<C, E, S>) =>
  (given: E[]) => ({
    when(command: C): Then<E> {
      const outcome = () => run(decider, given, command);
      return {
        then(expected) {
          const result = outcome();
          if (typeof expected === 'string') {
            if (!(result instanceof DomainError))
              throw new Error(`Expected ${expected} but got events ${JSON.stringify(result)}`);
            expect(result.code).toBe(expected);
          } else {
            if (result instanceof DomainError)
              throw new Error(`Expected events but the decider refused: ${describeError(result)}`);
            expect(result).toEqual(expected);
            // The events must also fold: evolve may not choke on what decide produced.
            fold(decider, [...given, ...result]);
          }
        },
        thenFailsOn(fields) {
          const result = outcome();
          if (!(result instanceof DomainError))
            throw new Error(`Expected VALIDATION_FAILED but got events ${JSON.stringify(result)}`);
          expect(result.code).toBe('VALIDATION_FAILED');
          expect((result.errors ?? []).map((e) => e.field).sort()).toEqual([...fields].sort());
        },
        events() {
          const result = outcome();
          if (result instanceof DomainError)
            throw new Error(`Expected events but the decider refused: ${describeError(result)}`);
          return result;
        },
      };
    },
  });
