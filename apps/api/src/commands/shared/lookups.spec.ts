import {
  decideQuestion,
  initialQuestionState,
  type DomainEvent,
  type QuestionLookup,
} from '@qa/domain';
import type { EventStore, StoredEvent } from '@qa/event-store';
import { CommandRunner } from '../../command-bus/command-runner';
import { Lookups } from './lookups';

/** Only reads are needed; each read waits a turn so concurrent callers really overlap. */
class ReadCountingStore implements EventStore {
  readonly streams = new Map<string, StoredEvent[]>();
  reads = 0;

  put(stream: string, events: DomainEvent[]): void {
    this.streams.set(
      stream,
      events.map((e, i) => ({
        id: `${stream}-${i}`,
        type: e.type,
        data: e.data,
        stream,
        revision: BigInt(i),
        position: { commit: BigInt(100 + i), prepare: BigInt(100 + i) },
        metadata: {
          correlationId: 'c',
          causationId: 'c',
          actor: 'u1',
          at: '2026-01-01T00:00:00.000Z',
          schemaVersion: 1,
        },
        created: new Date(),
      })),
    );
  }

  async readStream(stream: string): Promise<StoredEvent[]> {
    this.reads++;
    await new Promise((resolve) => setImmediate(resolve));
    return [...(this.streams.get(stream) ?? [])];
  }

  appendToStream(): never {
    throw new Error('not used');
  }
  readAll(): never {
    throw new Error('not used');
  }
  deleteStream(): never {
    throw new Error('not used');
  }
  subscribeToAll(): never {
    throw new Error('not used');
  }
  async headPosition() {
    return null;
  }
  async close() {}
}

const QUESTION = 'q0000000000000000001';

function asked(): DomainEvent[] {
  return decideQuestion(
    {
      type: 'AskQuestion',
      data: {
        questionId: QUESTION,
        title: 'How do lookups share reads?',
        body: 'Body.',
        category: null,
        actor: { kind: 'user', userId: 'u1', username: 'asker', level: 0 },
        at: '2026-01-01T00:00:00.000Z',
      },
    },
    initialQuestionState(),
  );
}

describe('Lookups', () => {
  let store: ReadCountingStore;
  let lookups: Lookups;

  beforeEach(() => {
    store = new ReadCountingStore();
    store.put(`question-${QUESTION}`, asked());
    lookups = new Lookups(new CommandRunner(store));
  });

  it('answers concurrent lookups of one question with a single read', async () => {
    const found = await Promise.all(Array.from({ length: 20 }, () => lookups.question(QUESTION)));
    expect(store.reads).toBe(1);
    expect(found.every((q: QuestionLookup) => q.exists && q.authorId === 'u1')).toBe(true);
    await lookups.question(QUESTION);
    expect(store.reads).toBe(1);
  });

  it('reads again after forget, even when forget comes while a read is under way', async () => {
    const first = lookups.question(QUESTION);
    lookups.forget('question', QUESTION);
    await first;
    await lookups.question(QUESTION);
    expect(store.reads).toBe(2);
    lookups.forget('question', QUESTION);
    await lookups.question(QUESTION);
    expect(store.reads).toBe(3);
  });

  it('does not keep a missing post, so one created later is found', async () => {
    const other = 'q0000000000000000002';
    expect((await lookups.question(other)).exists).toBe(false);
    expect((await lookups.question(other)).exists).toBe(false);
    expect(store.reads).toBe(2);
  });
});
