import type { DomainEventType } from '@qa/domain';
import { EVENT_SCHEMA_UNSUPPORTED } from './event-store.errors';
import type { StoredEvent } from './event-store.port';
import { createDomainEventRegistry, EventTypeRegistry } from './event-type.registry';

const stored = (type: string, data: unknown, schemaVersion?: number): StoredEvent => ({
  id: '00000000-0000-4000-8000-000000000001',
  type,
  stream: 'question-q1',
  revision: 0n,
  position: { commit: 10n, prepare: 10n },
  data,
  metadata: {
    correlationId: 'c',
    causationId: 'c',
    actor: 'u1',
    at: '2026-01-01T00:00:00.000Z',
    ...(schemaVersion === undefined ? {} : { schemaVersion }),
  } as StoredEvent['metadata'],
  created: new Date(0),
});

describe('EventTypeRegistry', () => {
  const registry = new EventTypeRegistry().register('QuestionTagged', {
    version: 3,
    upcasters: {
      1: (data: { tag: string }) => ({ tags: [data.tag] }),
      2: (data: { tags: string[] }) => ({ tags: data.tags, source: 'user' }),
    },
  });

  it('lifts an old payload through every upcaster to the current version', () => {
    const event = registry.upcast(stored('QuestionTagged', { tag: 'mongodb' }, 1));
    expect(event.data).toEqual({ tags: ['mongodb'], source: 'user' });
    expect(event.metadata.schemaVersion).toBe(3);
    expect(event.metadata.actor).toBe('u1');
  });

  it('starts from the stored version, not from 1', () => {
    const event = registry.upcast(stored('QuestionTagged', { tags: ['a', 'b'] }, 2));
    expect(event.data).toEqual({ tags: ['a', 'b'], source: 'user' });
  });

  it('reads an event without a schema version as version 1', () => {
    expect(registry.upcast(stored('QuestionTagged', { tag: 'x' })).data).toEqual({
      tags: ['x'],
      source: 'user',
    });
  });

  it('leaves current events and unknown types untouched', () => {
    const current = stored('QuestionTagged', { tags: [], source: 'import' }, 3);
    expect(registry.upcast(current)).toBe(current);
    const foreign = stored('SomethingElseHappened', { any: 'shape' }, 7);
    expect(registry.upcast(foreign)).toBe(foreign);
  });

  it('refuses an event written by a newer schema', () => {
    expect(() => registry.upcast(stored('QuestionTagged', {}, 4))).toThrow(
      expect.objectContaining({ code: EVENT_SCHEMA_UNSUPPORTED }),
    );
  });

  it('refuses a registration with a missing upcaster or a duplicate name', () => {
    expect(() =>
      new EventTypeRegistry().register('A', { version: 3, upcasters: { 1: (d) => d } }),
    ).toThrow(/upcaster from 2/);
    expect(() => new EventTypeRegistry().register('A', { version: 1 }).register('A', { version: 1 })).toThrow(
      /already registered/,
    );
  });

  it('registers every domain event type at schema version 1', () => {
    const domain = createDomainEventRegistry();
    const expected: DomainEventType[] = [
      'UserRegistered',
      'UserLevelChanged',
      'UserPersonalDataErased',
      'UsernameReserved',
      'UsernameReleased',
      'UserEmailReserved',
      'UserEmailReleased',
      'FirstUserClaimed',
      'SubjectKeyCreated',
      'CategoryCreated',
      'QuestionAsked',
      'QuestionEdited',
      'QuestionClosed',
      'QuestionReopened',
      'AnswerSelected',
      'AnswerSelectionCleared',
      'AnswerPosted',
      'AnswerEdited',
      'CommentPosted',
      'CommentEdited',
      'PostHidden',
      'PostShown',
      'VoteCast',
    ];
    expect(domain.types().sort()).toEqual([...expected].sort());
    for (const type of expected) expect(domain.currentVersion(type)).toBe(1);
  });
});
