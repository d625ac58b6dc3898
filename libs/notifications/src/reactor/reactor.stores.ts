/**
 * The reactor's own small MongoDB state. It exists so that deciding recipients never reads a
 * stream that grows with traffic:
 * - `notify_threads`: per commented post, who commented and whether they asked to be
 *   notified (a comment lives in its own stream, so "earlier commenters" needs an index);
 * - `notify_admins`: users at admin level or above, from UserRegistered/UserLevelChanged;
 * - `worker_checkpoints`: how far in `$all` the reactor got.
 * Every write is guarded by the event it comes from, so a re-delivered event changes nothing.
 */
import type { Collection, Db } from 'mongodb';
import type { Author, Id, NotifyPreference } from '@qa/domain';
import type { CheckpointStore, Position } from '@qa/event-store';

export interface ThreadCommenter {
  commentId: Id;
  /** `$all` commit position of the CommentPosted event, decimal: orders "earlier". */
  position: string;
  author: Author;
  notify: NotifyPreference;
}

interface NotifyThread {
  /** `<question|answer>-<id>` of the post commented on. */
  _id: string;
  questionId: Id;
  commenters: ThreadCommenter[];
}

interface NotifyAdmin {
  _id: Id;
  level: number;
  /** Revision of `user-<id>` last applied: older re-deliveries are ignored. */
  revision: number;
}

interface Checkpoint {
  _id: string;
  commit: string;
  prepare: string;
  at: Date;
}

export class NotifyThreadsStore {
  private readonly threads: Collection<NotifyThread>;

  constructor(db: Db) {
    this.threads = db.collection<NotifyThread>('notify_threads');
  }

  /** Commenters stored before `position` (re-delivery sees the same "earlier" set). */
  async earlierCommenters(threadId: string, position: bigint): Promise<ThreadCommenter[]> {
    const thread = await this.threads.findOne({ _id: threadId });
    return (thread?.commenters ?? []).filter((c) => BigInt(c.position) < position);
  }

  async addCommenter(threadId: string, questionId: Id, commenter: ThreadCommenter): Promise<void> {
    await this.threads.updateOne(
      { _id: threadId },
      { $setOnInsert: { questionId, commenters: [] } },
      { upsert: true },
    );
    // Guarded by the comment id: a re-delivered CommentPosted adds nobody twice.
    await this.threads.updateOne(
      { _id: threadId, 'commenters.commentId': { $ne: commenter.commentId } },
      { $push: { commenters: commenter } },
    );
  }
}

export class NotifyAdminsStore {
  private readonly admins: Collection<NotifyAdmin>;

  constructor(db: Db) {
    this.admins = db.collection<NotifyAdmin>('notify_admins');
  }

  async setLevel(userId: Id, level: number, revision: number): Promise<void> {
    const existing = await this.admins.findOne({ _id: userId });
    if (existing && existing.revision >= revision) return;
    await this.admins.updateOne({ _id: userId }, { $set: { level, revision } }, { upsert: true });
  }

  async adminIds(minLevel: number): Promise<Id[]> {
    const docs = await this.admins
      .find({ level: { $gte: minLevel } })
      .sort({ _id: 1 })
      .toArray();
    return docs.map((d) => d._id);
  }
}

export class MongoCheckpointStore implements CheckpointStore {
  private readonly checkpoints: Collection<Checkpoint>;

  constructor(db: Db, collection = 'worker_checkpoints') {
    this.checkpoints = db.collection<Checkpoint>(collection);
  }

  async load(name: string): Promise<Position | null> {
    const doc = await this.checkpoints.findOne({ _id: name });
    return doc ? { commit: BigInt(doc.commit), prepare: BigInt(doc.prepare) } : null;
  }

  async store(name: string, position: Position): Promise<void> {
    await this.checkpoints.updateOne(
      { _id: name },
      {
        $set: {
          commit: position.commit.toString(),
          prepare: position.prepare.toString(),
          at: new Date(),
        },
      },
      { upsert: true },
    );
  }
}
