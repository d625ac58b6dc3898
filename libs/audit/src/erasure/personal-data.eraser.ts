/**
 * Erasure of a person's personal data (ARCHITECTURE.md, "Personal data"): their key stream
 * is tombstoned, so every sealed copy of their address anywhere in the history stays
 * unreadable for good, and `UserPersonalDataErased` records who erased it and when. The
 * event log keeps every other fact, so pages and replays are unchanged.
 *
 * Each subject is recorded in `ErasedSubjects` before its key goes, so a process holding
 * the key in memory (the worker) stops using it from that moment. The deliveries log keeps
 * a masked form of each address for people reading it; an erased person's masked address
 * is cleared there as well.
 */
import {
  decideUser,
  DomainError,
  evolveUser,
  foldReservation,
  initialUserState,
  streams,
  type Id,
  type UserActor,
  type UserEvent,
  type UserPersonalDataErased,
} from '@qa/domain';
import { ErasedSubjects, type PersonalDataVault } from '@qa/common';
import { ConcurrencyError } from '@qa/domain';
import type { EventMetadata, EventStore } from '@qa/event-store';
import { DELIVERIES_COLLECTION } from '@qa/notifications';
import { activeVersion, ReadModelStore } from '@qa/read-models';
import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';

export const userNotFound = (who: string) =>
  new DomainError('not_found', 'USER_NOT_FOUND', `There is no user ${who}.`);

export interface ErasureResult {
  /** The erased user, when the person was a registered user. */
  userId: Id | null;
  /** Subjects whose keys were deleted. */
  subjects: string[];
  /** `$all` commit position of the erasure event, when one was appended. */
  position: string | null;
  /** Deliveries log entries whose masked address was cleared. */
  deliveriesCleared: number;
}

export class PersonalDataEraser {
  private readonly erasures: ErasedSubjects;

  constructor(
    private readonly eventStore: EventStore,
    private readonly vault: PersonalDataVault,
    /** The database holding the erasure register and the deliveries log. */
    private readonly db: Db,
  ) {
    this.erasures = new ErasedSubjects(db);
  }

  /**
   * The user a username or an email address belongs to now, or null: the reservation
   * streams say so; for a username the users read model is asked too, should a
   * reservation be missing (a user imported without one).
   */
  async resolveUser(login: string): Promise<Id | null> {
    const isEmail = login.includes('@');
    const stream = isEmail
      ? streams.userEmail(this.vault.hashEmail(login))
      : streams.username(login);
    const events = await this.eventStore.readStream(stream);
    const holder = foldReservation(
      events.map((e) => ({ type: e.type, data: e.data })) as Parameters<typeof foldReservation>[0],
    ).holder;
    if (holder || isEmail) return holder;
    const users = new ReadModelStore(this.db, await activeVersion(this.db)).collection('users');
    return (
      (await users.findOne({ usernameLower: login.toLowerCase() }, { projection: { _id: 1 } }))
        ?._id ?? null
    );
  }

  /**
   * Erases a registered user's personal data. `by` is the user asking (themselves or an
   * admin, as the domain decides), or null for an operator at the command line.
   */
  async eraseUser(
    userId: Id,
    by: UserActor | null,
    at = new Date().toISOString(),
  ): Promise<ErasureResult> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.eventStore.readStream(streams.user(userId));
      let state = initialUserState();
      for (const e of stored)
        state = evolveUser(state, { type: e.type, data: e.data } as UserEvent);
      if (!state.exists) throw userNotFound(userId);
      const events: UserEvent[] = by
        ? decideUser({ type: 'ErasePersonalData', data: { userId, actor: by, at } }, state)
        : state.erased
          ? []
          : [
              {
                type: 'UserPersonalDataErased',
                data: { userId, erasedBy: null, at },
              } satisfies UserPersonalDataErased,
            ];
      // The key goes first: should the append below fail, the data is already unreadable and
      // a retry only adds the record.
      await this.eraseKey(userId);
      const deliveriesCleared = state.emailHash ? await this.clearDeliveries(state.emailHash) : 0;
      if (events.length === 0)
        return { userId, subjects: [userId], position: null, deliveriesCleared };
      try {
        const result = await this.eventStore.appendToStream(
          streams.user(userId),
          events.map((e) => ({ type: e.type, data: e.data, id: randomUUID() })),
          {
            expectedRevision: stored.at(-1)!.revision,
            metadata: metadata(by?.userId ?? 'system', at),
          },
        );
        return {
          userId,
          subjects: [userId],
          position: result.position.commit.toString(),
          deliveriesCleared,
        };
      } catch (e) {
        if (!(e instanceof ConcurrencyError) || attempt >= 5) throw e;
      }
    }
  }

  /**
   * `audit erase <username|email>`: the registered user behind it, and for an address also
   * whatever anonymous posts were signed with it (sealed under a subject of their own).
   */
  async eraseByLogin(login: string): Promise<ErasureResult> {
    const userId = await this.resolveUser(login);
    const isEmail = login.includes('@');
    if (!userId && !isEmail) throw userNotFound(login);
    const result: ErasureResult = userId
      ? await this.eraseUser(userId, null)
      : { userId: null, subjects: [], position: null, deliveriesCleared: 0 };
    if (isEmail) {
      const subject = this.vault.anonymousEmailSubject(login);
      await this.eraseKey(subject);
      result.subjects.push(subject);
      if (!userId)
        result.deliveriesCleared += await this.clearDeliveries(this.vault.hashEmail(login));
    }
    return result;
  }

  /** Recorded first: from then on no cached copy of the key is used to send anything. */
  private async eraseKey(subject: string): Promise<void> {
    await this.erasures.record(subject);
    await this.vault.erase(subject);
  }

  private async clearDeliveries(recipientHash: string): Promise<number> {
    const result = await this.db
      .collection(DELIVERIES_COLLECTION)
      .updateMany({ recipientHash, recipient: { $ne: null } }, { $set: { recipient: null } });
    return result.modifiedCount;
  }
}

function metadata(actor: string, at: string): EventMetadata {
  const id = randomUUID();
  return { correlationId: id, causationId: id, actor, at, schemaVersion: 1 };
}
