/**
 * `audit user <username>`: why a user has the points they have, event by event. Each line is
 * one ledger entry (the points one event moved, with its cause) and the running total; the
 * ledger is built by the same projection `verify` replays, so `verify` vouches for it.
 */
import type { LedgerReason, ReadModelStore } from '@qa/read-models';

export interface PointsLine {
  at: string;
  delta: number;
  total: number;
  reason: LedgerReason;
  postId: string | null;
  eventId: string;
}

export interface PointsExplanation {
  userId: string;
  username: string;
  asOf: string | null;
  points: number;
  lines: PointsLine[];
  /** The user document's points (now), to show that the ledger adds up to them. */
  currentPoints: number;
}

export async function explainPoints(
  store: ReadModelStore,
  username: string,
  asOf?: string,
): Promise<PointsExplanation | null> {
  const user = await store.collection('users').findOne({ usernameLower: username.toLowerCase() });
  if (!user) return null;
  const entries = await store
    .collection('ledger')
    .find({ userId: user._id })
    .sort({ pos: 1, _id: 1 })
    .toArray();
  let total = 0;
  const lines: PointsLine[] = [];
  for (const e of entries) {
    if (asOf !== undefined && e.at > asOf) continue;
    total += e.delta;
    lines.push({
      at: e.at,
      delta: e.delta,
      total,
      reason: e.reason,
      postId: e.postId ?? null,
      eventId: e.eventId,
    });
  }
  return {
    userId: user._id,
    username: user.username,
    asOf: asOf ?? null,
    points: total,
    lines,
    currentPoints: user.points,
  };
}
