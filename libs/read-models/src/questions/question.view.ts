/**
 * Turns stored documents into API.md's shapes: authors with their current points (looked up
 * by id in one `$in` query per response, since points change all the time), ids as strings,
 * times as ISO strings, no email ever.
 */
import type { Db } from 'mongodb';
import type { AuthorRef, EditedDoc, UserDoc } from '../engine/read-model.documents';
import type { ReadModelStore } from '../engine/read-model.store';

export type AuthorView = { id: string; username: string; points: number } | { id: null; name: string };

export type UserPoints = Map<string, Pick<UserDoc, '_id' | 'username' | 'points'>>;

export async function loadAuthors(store: ReadModelStore, ids: Iterable<string | null | undefined>): Promise<UserPoints> {
  const unique = [...new Set([...ids].filter((id): id is string => !!id))];
  if (unique.length === 0) return new Map();
  const users = await store
    .collection('users')
    .find({ _id: { $in: unique } }, { projection: { username: 1, points: 1 } })
    .toArray();
  return new Map(users.map((u) => [u._id, u]));
}

export function authorView(ref: AuthorRef, users: UserPoints): AuthorView {
  if (ref.id === null) return { id: null, name: ref.name ?? 'anonymous' };
  const user = users.get(ref.id);
  return { id: ref.id, username: user?.username ?? ref.username, points: user?.points ?? 0 };
}

export function editedView(edited: EditedDoc | null, users: UserPoints) {
  return edited ? { by: authorView(edited.by, users), at: edited.at, reason: edited.reason } : null;
}

export type { Db };
