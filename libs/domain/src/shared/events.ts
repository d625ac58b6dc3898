/**
 * Every event the product appends, with its stable type name and payload.
 *
 * Rules (ARCHITECTURE.md "Streams"): type names are past tense and never renamed; a breaking
 * change is a new type or an upcaster. Payloads are self-contained for projections and the
 * notification reactor: nothing downstream ever has to look another stream up.
 * Personal data never appears in clear: emails are `Sealed` (AES-256-GCM with the person's
 * own key from `subjectkey-<subject>`), IPs only as keyed hashes.
 */

/** Ids are opaque strings of [a-z0-9] (no hyphen, so `<category>-<id>` splits cleanly). */
export type Id = string;
/** ISO 8601 UTC time string, always taken from the command (the domain has no clock). */
export type Timestamp = string;

/** A value encrypted with the key of one data subject; unreadable once that key is erased. */
export interface Sealed {
  /** The subject whose key sealed it: a user id, or `anon<hash>` for an anonymous email. */
  subject: string;
  /** base64(iv | authTag | ciphertext). */
  data: string;
}

export type UserLevel = 0 | 10 | 20 | 50 | 80 | 100 | 120;

export const LEVELS = {
  basic: 0,
  approved: 10,
  expert: 20,
  editor: 50,
  moderator: 80,
  admin: 100,
  super: 120,
} as const satisfies Record<string, UserLevel>;

/** Who wrote a post, as its pages show it. */
export type Author =
  | { kind: 'user'; userId: Id; username: string }
  | { kind: 'anonymous'; name: string | null; ipHash: string | null };

/** Whom to tell about replies to a post, decided when it was written. */
export interface NotifyPreference {
  /** The poster ticked "notify me" (default true). */
  notify: boolean;
  /** Anonymous posters only: the address they gave, sealed. Users are told at their account email. */
  email: Sealed | null;
}

export type PostType = 'question' | 'answer' | 'comment';
export type VoteValue = 1 | -1 | 0;

// ---- users -------------------------------------------------------------------------------

export interface UserRegistered {
  type: 'UserRegistered';
  data: {
    userId: Id;
    username: string;
    email: Sealed;
    /** Keyed hash of the lower-cased email: the `useremail-<hash>` reservation key. */
    emailHash: string;
    passwordHash: string;
    level: UserLevel;
    registeredAt: Timestamp;
  };
}

export interface UserLevelChanged {
  type: 'UserLevelChanged';
  data: { userId: Id; level: UserLevel; previousLevel: UserLevel; changedBy: Id; at: Timestamp };
}

export interface UserPersonalDataErased {
  type: 'UserPersonalDataErased';
  data: { userId: Id; erasedBy: Id | null; at: Timestamp };
}

/** `username-<lower-cased name>`, appended with expected revision "no stream". */
export interface UsernameReserved {
  type: 'UsernameReserved';
  /** `at` lets a later registration recognise a reservation abandoned by a crashed one. */
  data: { username: string; userId: Id; at?: Timestamp };
}

/** A registration that failed after reserving gives the name back (same stream). */
export interface UsernameReleased {
  type: 'UsernameReleased';
  data: { username: string; userId: Id; at: Timestamp };
}

/** `useremail-<emailHash>`, appended with expected revision "no stream". */
export interface UserEmailReserved {
  type: 'UserEmailReserved';
  data: { userId: Id; at?: Timestamp };
}

/** A registration that failed after reserving gives the address back (same stream). */
export interface UserEmailReleased {
  type: 'UserEmailReleased';
  data: { userId: Id; at: Timestamp };
}

/**
 * `registration-first`, appended once with expected revision "no stream": whoever writes it
 * first registers as `super` (DOMAIN.md), so two concurrent first registrations cannot both win.
 */
export interface FirstUserClaimed {
  type: 'FirstUserClaimed';
  data: { userId: Id; at: Timestamp };
}

/** `subjectkey-<subject>`: the only place a person's encryption key lives. */
export interface SubjectKeyCreated {
  type: 'SubjectKeyCreated';
  data: { subject: string; key: string };
}

// ---- categories --------------------------------------------------------------------------

export interface CategoryCreated {
  type: 'CategoryCreated';
  data: {
    categoryId: Id;
    name: string;
    slug: string;
    description: string;
    parentId: Id | null;
    /** Ancestor ids, root first, ending with this category: lets lists filter a subtree. */
    path: Id[];
    createdBy: Id;
    at: Timestamp;
  };
}

// ---- questions ---------------------------------------------------------------------------

export interface QuestionCategoryRef {
  categoryId: Id;
  /** Ancestor ids root first, ending with categoryId. */
  path: Id[];
}

export interface QuestionAsked {
  type: 'QuestionAsked';
  data: {
    questionId: Id;
    title: string;
    body: string;
    category: QuestionCategoryRef | null;
    tags: string[];
    author: Author;
    notify: NotifyPreference;
    at: Timestamp;
  };
}

export interface QuestionContent {
  title: string;
  body: string;
  tags: string[];
  category: QuestionCategoryRef | null;
}

export interface QuestionEdited {
  type: 'QuestionEdited';
  data: {
    questionId: Id;
    /** The fields this edit changed, with their new values. */
    changes: Partial<QuestionContent>;
    /** The same fields' values before the edit (so history and diffs never need a fold). */
    previous: Partial<QuestionContent>;
    reason: string | null;
    editedBy: Author;
    /** Set when the edit restores an earlier revision. */
    restoredRevision?: number;
    at: Timestamp;
  };
}

export interface QuestionClosed {
  type: 'QuestionClosed';
  data: { questionId: Id; reason: string; by: Id; at: Timestamp };
}

export interface QuestionReopened {
  type: 'QuestionReopened';
  data: { questionId: Id; by: Id; at: Timestamp };
}

/** The question's author (or an expert+) chose a best answer, or changed it. */
export interface AnswerSelected {
  type: 'AnswerSelected';
  data: {
    questionId: Id;
    questionAuthorId: Id | null;
    answerId: Id;
    answerAuthorId: Id | null;
    /** The answer selected before, if this changes the selection. */
    previous: { answerId: Id; answerAuthorId: Id | null } | null;
    by: Id;
    at: Timestamp;
  };
}

export interface AnswerSelectionCleared {
  type: 'AnswerSelectionCleared';
  data: {
    questionId: Id;
    questionAuthorId: Id | null;
    answerId: Id;
    answerAuthorId: Id | null;
    by: Id;
    at: Timestamp;
  };
}

// ---- answers and comments ----------------------------------------------------------------

export interface AnswerPosted {
  type: 'AnswerPosted';
  data: {
    answerId: Id;
    questionId: Id;
    questionAuthorId: Id | null;
    body: string;
    author: Author;
    notify: NotifyPreference;
    at: Timestamp;
  };
}

export interface AnswerEdited {
  type: 'AnswerEdited';
  data: {
    answerId: Id;
    questionId: Id;
    body: string;
    previousBody: string;
    reason: string | null;
    editedBy: Author;
    restoredRevision?: number;
    at: Timestamp;
  };
}

export interface CommentPosted {
  type: 'CommentPosted';
  data: {
    commentId: Id;
    questionId: Id;
    /** What the comment is on: the question itself or one of its answers. */
    parent: { type: 'question' | 'answer'; id: Id; authorId: Id | null };
    body: string;
    author: Author;
    notify: NotifyPreference;
    at: Timestamp;
  };
}

export interface CommentEdited {
  type: 'CommentEdited';
  data: {
    commentId: Id;
    questionId: Id;
    parent: { type: 'question' | 'answer'; id: Id };
    body: string;
    previousBody: string;
    reason: string | null;
    editedBy: Author;
    restoredRevision?: number;
    at: Timestamp;
  };
}

/** Editors hide and show posts; hidden posts cannot be voted on or answered. */
export interface PostHidden {
  type: 'PostHidden';
  data: { postId: Id; postType: PostType; questionId: Id; by: Id; at: Timestamp };
}

export interface PostShown {
  type: 'PostShown';
  data: { postId: Id; postType: PostType; questionId: Id; by: Id; at: Timestamp };
}

// ---- votes -------------------------------------------------------------------------------

/** `vote-<postId>_<voterId>`: one short stream per voter and post. */
export interface VoteCast {
  type: 'VoteCast';
  data: {
    postId: Id;
    postType: 'question' | 'answer';
    questionId: Id;
    postAuthorId: Id | null;
    voterId: Id;
    value: VoteValue;
    previousValue: VoteValue;
    at: Timestamp;
  };
}

export type DomainEvent =
  | UserRegistered
  | UserLevelChanged
  | UserPersonalDataErased
  | UsernameReserved
  | UsernameReleased
  | UserEmailReserved
  | UserEmailReleased
  | FirstUserClaimed
  | SubjectKeyCreated
  | CategoryCreated
  | QuestionAsked
  | QuestionEdited
  | QuestionClosed
  | QuestionReopened
  | AnswerSelected
  | AnswerSelectionCleared
  | AnswerPosted
  | AnswerEdited
  | CommentPosted
  | CommentEdited
  | PostHidden
  | PostShown
  | VoteCast;

export type DomainEventType = DomainEvent['type'];
export type EventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;

/** Stream names: `<category>-<id>`, one hyphen after the category. */
export const streams = {
  user: (id: Id) => `user-${id}`,
  username: (name: string) => `username-${name.toLowerCase()}`,
  userEmail: (emailHash: string) => `useremail-${emailHash}`,
  firstRegistration: () => 'registration-first',
  subjectKey: (subject: string) => `subjectkey-${subject}`,
  category: (id: Id) => `category-${id}`,
  question: (id: Id) => `question-${id}`,
  answer: (id: Id) => `answer-${id}`,
  comment: (id: Id) => `comment-${id}`,
  vote: (postId: Id, voterId: Id) => `vote-${postId}_${voterId}`,
} as const;
