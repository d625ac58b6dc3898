/**
 * Who wrote a new post and whom to notify: shared by questions, answers and comments.
 * Anonymous posters may give a display name and a (sealed) email used only for
 * notifications; registered users are notified at their account email, so they give none.
 */
import { Actor } from './actor';
import { Author, NotifyPreference, Sealed } from './events';
import { Check, checkAnonymousName, checkFailed, checkOk } from './validation';

export interface PosterInput {
  actor: Actor;
  /** Anonymous posters only: the address they typed, sealed by the API. */
  email?: Sealed | null;
  /** Defaults to true. */
  notify?: boolean;
}

/** The checks to merge into a decider's `validateFields` call (fields `name` and `email`). */
export function posterChecks(input: PosterInput): {
  name: Check<string | null>;
  email: Check<Sealed | null>;
} {
  const email = input.email ?? null;
  if (input.actor.kind === 'user')
    return {
      name: checkOk(null),
      email:
        email === null
          ? checkOk(null)
          : checkFailed(
              'Only anonymous posters give an email; you are notified at your account email.',
            ),
    };
  return { name: checkAnonymousName(input.actor.name), email: checkOk(email) };
}

export function posterOf(
  input: PosterInput,
  name: string | null,
  email: Sealed | null,
): { author: Author; notify: NotifyPreference } {
  const notify = input.notify ?? true;
  const author: Author =
    input.actor.kind === 'user'
      ? { kind: 'user', userId: input.actor.userId, username: input.actor.username }
      : { kind: 'anonymous', name, ipHash: input.actor.ipHash };
  // An address nobody will write to is personal data with no purpose: it is not kept.
  return { author, notify: { notify, email: notify ? email : null } };
}
