/** User profiles, the top-users list and the reputation ledger. */
import type { ReadModelStore } from '../engine/read-model.store';

export async function userProfile(store: ReadModelStore, username: string) {
  const u = await store.collection('users').findOne({ usernameLower: username.toLowerCase() });
  if (!u) return null;
  const c = u.counts;
  return {
    id: u._id,
    username: u.username,
    level: u.level,
    points: u.points,
    createdAt: u.createdAt,
    counts: {
      questions: c.questions,
      answers: c.answers,
      comments: c.comments,
      selectedAnswers: c.selectedAnswers,
      upvotesReceived: c.upvotesReceived,
      downvotesReceived: c.downvotesReceived,
      votesCast: c.votesCast,
    },
  };
}

export async function topUsers(store: ReadModelStore, page: number, pageSize: number) {
  const users = store.collection('users');
  const [docs, total] = await Promise.all([
    users
      .find({}, { projection: { username: 1, points: 1 } })
      .sort({ points: -1, _id: 1 })
      .skip((page - 1) * pageSize)
      .limit(pageSize)
      .toArray(),
    users.estimatedDocumentCount(),
  ]);
  return { items: docs.map((u) => ({ id: u._id, username: u.username, points: u.points })), page, pageSize, total };
}

/** Every change of the user's points, oldest first; the deltas sum to `points`. */
export async function reputation(store: ReadModelStore, username: string) {
  const u = await store.collection('users').findOne({ usernameLower: username.toLowerCase() }, { projection: { points: 1 } });
  if (!u) return null;
  const entries = await store.collection('ledger').find({ userId: u._id }).sort({ pos: 1, _id: 1 }).toArray();
  return {
    points: u.points,
    entries: entries.map((e) => ({
      at: e.at,
      delta: e.delta,
      reason: e.reason,
      ...(e.postId ? { postId: e.postId } : {}),
      eventId: e.eventId,
    })),
  };
}
