/**
 * Who gets an email for which event: DOMAIN.md "Notifications" (Q2A `qa-event-notify.php`)
 * as pure functions. The reactor gathers the facts (who wrote the post, their notify flag,
 * the thread's earlier commenters, the admins) and resolves parties to addresses; these
 * functions only decide, so every row and exception of the table is a unit spec.
 */
import type {
  AnswerPosted,
  AnswerSelected,
  Author,
  CommentPosted,
  Id,
  NotifyPreference,
  QuestionAsked,
  Sealed,
} from '@qa/domain';

/** Addresses compare case-insensitively, as `hashEmail` normalises them. */
const normaliseEmail = (address: string): string => address.trim().toLowerCase();

/** Someone who can be told: a registered user (at their account email) or a sealed address. */
export type Party = { kind: 'user'; userId: Id } | { kind: 'email'; email: Sealed };

export type NotificationReason =
  | 'answer-on-your-question'
  | 'comment-on-your-post'
  | 'comment-in-your-thread'
  | 'your-answer-selected'
  | 'question-posted';

export interface Target {
  party: Party;
  reason: NotificationReason;
}

/** What the post being replied to said about its author when it was written. */
export interface PostAuthorship {
  author: Author;
  notify: NotifyPreference;
}

/**
 * The party to tell about replies to a post, or null: registered users when the notify flag
 * was on, anonymous posters when they ticked notify and gave an email.
 */
export function notifiableParty(post: PostAuthorship): Party | null {
  if (!post.notify.notify) return null;
  if (post.author.kind === 'user') return { kind: 'user', userId: post.author.userId };
  return post.notify.email ? { kind: 'email', email: post.notify.email } : null;
}

const isUser = (party: Party, userId: Id | null): boolean =>
  userId !== null && party.kind === 'user' && party.userId === userId;

const actorUserId = (author: Author): Id | null => (author.kind === 'user' ? author.userId : null);

/** Answer posted: the question's author, if they asked to be notified and did not answer it. */
export function answerPostedTargets(
  event: AnswerPosted['data'],
  question: PostAuthorship,
): Target[] {
  const party = notifiableParty(question);
  if (!party || isUser(party, actorUserId(event.author))) return [];
  return [{ party, reason: 'answer-on-your-question' }];
}

/**
 * Comment posted: the author of the post commented on, and every earlier commenter in that
 * thread who asked to be notified; never the commenter. Addresses are deduplicated later,
 * once they are known (`finalRecipients`).
 */
export function commentPostedTargets(
  event: CommentPosted['data'],
  parent: PostAuthorship,
  earlierCommenters: PostAuthorship[],
): Target[] {
  const commenter = actorUserId(event.author);
  const targets: Target[] = [];
  const parentParty = notifiableParty(parent);
  if (parentParty) targets.push({ party: parentParty, reason: 'comment-on-your-post' });
  for (const earlier of earlierCommenters) {
    const party = notifiableParty(earlier);
    if (party) targets.push({ party, reason: 'comment-in-your-thread' });
  }
  return dedupeParties(targets.filter((t) => !isUser(t.party, commenter)));
}

/** Answer selected: the answer's author, unless they selected it themselves. */
export function answerSelectedTargets(
  event: AnswerSelected['data'],
  answer: PostAuthorship,
): Target[] {
  const party = notifiableParty(answer);
  if (!party || isUser(party, event.by)) return [];
  return [{ party, reason: 'your-answer-selected' }];
}

/** Question posted: the site's admins, when the option is on; never the asker. */
export function questionAskedTargets(
  event: QuestionAsked['data'],
  admins: Id[],
  notifyAdminOnQuestion: boolean,
): Target[] {
  if (!notifyAdminOnQuestion) return [];
  const asker = actorUserId(event.author);
  return dedupeParties(
    admins
      .filter((id) => id !== asker)
      .map((userId): Target => ({ party: { kind: 'user', userId }, reason: 'question-posted' })),
  );
}

/** Same user or same sealed value listed twice: keep the first (its reason is the stronger). */
function dedupeParties(targets: Target[]): Target[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = t.party.kind === 'user' ? `u:${t.party.userId}` : `e:${t.party.email.data}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface ResolvedTarget<T extends Target = Target> {
  target: T;
  /** The clear address, or null when there is none (erased, unknown user). */
  address: string | null;
}

/**
 * The last step, once parties are resolved to addresses: one email per address (compared
 * lower-cased), nobody without a readable address, and never the actor's own address (an
 * anonymous actor is recognised only by the email they gave).
 */
export function finalRecipients<T extends Target>(
  resolved: ResolvedTarget<T>[],
  actorAddress: string | null,
): Array<{ target: T; address: string }> {
  const seen = new Set<string>();
  if (actorAddress) seen.add(normaliseEmail(actorAddress));
  const out: Array<{ target: T; address: string }> = [];
  for (const { target, address } of resolved) {
    if (!address) continue;
    const key = normaliseEmail(address);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ target, address });
  }
  return out;
}
