/** Actors and values shared by the decider specs (specs only; not exported from the package). */
import { AnonymousActor, UserActor } from './actor';
import { Author, LEVELS, Sealed, UserLevel } from './events';

const user = (userId: string, username: string, level: UserLevel): UserActor => ({
  kind: 'user',
  userId,
  username,
  level,
});

export const alice = user('alice1', 'alice', LEVELS.basic);
export const bob = user('bob1', 'bob', LEVELS.basic);
export const carol = user('carol1', 'carol', LEVELS.approved);
export const expert = user('expert1', 'erin', LEVELS.expert);
export const editor = user('editor1', 'eddie', LEVELS.editor);
export const moderator = user('mod1', 'molly', LEVELS.moderator);
export const admin = user('admin1', 'ada', LEVELS.admin);
export const admin2 = user('admin2', 'adam', LEVELS.admin);
export const superUser = user('super1', 'sam', LEVELS.super);

export const anon: AnonymousActor = { kind: 'anonymous', name: 'Visitor', ipHash: 'iph1' };
export const nameless: AnonymousActor = { kind: 'anonymous', name: null, ipHash: 'iph2' };

export const sealedAnonEmail: Sealed = { subject: 'anonabc', data: 'c2VhbGVk' };

export const T0 = '2026-01-01T10:00:00.000Z';
export const T1 = '2026-01-01T11:00:00.000Z';
export const T2 = '2026-01-01T12:00:00.000Z';

export const authorOf = (u: UserActor) => ({
  kind: 'user' as const,
  userId: u.userId,
  username: u.username,
});

/** An anonymous actor as their posts name them. */
export const anonAuthorOf = (a: AnonymousActor): Author => ({
  kind: 'anonymous',
  name: a.name,
  ipHash: a.ipHash,
});
