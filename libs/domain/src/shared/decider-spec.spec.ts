import { Decider } from './decider';
import { specFor } from './decider-spec';
import { domainError, ErrorCodes } from './error-codes';

// A counter that refuses to go above 2: enough to show the helper fails when it should.
type Cmd = { type: 'Add' };
type Ev = { type: 'Added' };
const counter: Decider<Cmd, Ev, number> = {
  decide: (_, n) => {
    if (n >= 2) throw domainError(ErrorCodes.FORBIDDEN);
    return [{ type: 'Added' }];
  },
  evolve: (n) => n + 1,
  initialState: () => 0,
};
const given = specFor(counter);
const add: Cmd = { type: 'Add' };

describe('decider spec helper', () => {
  it('passes on the right events or the right code', () => {
    given([])
      .when(add)
      .then([{ type: 'Added' }]);
    given([{ type: 'Added' }, { type: 'Added' }])
      .when(add)
      .then('FORBIDDEN');
  });

  it('fails on other events, on a refusal where events were expected, and on another code', () => {
    expect(() => given([]).when(add).then([])).toThrow();
    expect(() => given([]).when(add).then('FORBIDDEN')).toThrow(/Expected FORBIDDEN/);
    expect(() =>
      given([{ type: 'Added' }, { type: 'Added' }])
        .when(add)
        .then([]),
    ).toThrow(/refused: FORBIDDEN/);
    expect(() =>
      given([{ type: 'Added' }, { type: 'Added' }])
        .when(add)
        .then('QUESTION_NOT_FOUND'),
    ).toThrow();
    expect(() =>
      given([{ type: 'Added' }, { type: 'Added' }])
        .when(add)
        .thenFailsOn(['x']),
    ).toThrow();
  });
});
