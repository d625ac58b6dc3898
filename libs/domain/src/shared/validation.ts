/**
 * Field rules (DOMAIN.md), pure and shared by the deciders and the HTTP layer. Every check
 * normalises first (NFC, trim) and returns the value to store, so what is validated is
 * exactly what is kept. `validateFields` runs several checks and reports every bad field at
 * once as one VALIDATION_FAILED error.
 */
import { domainError, ErrorCodes } from './error-codes';
import { FieldError } from './errors';
import { LEVELS, UserLevel, VoteValue } from './events';

export type Check<T> = { ok: true; value: T } | { ok: false; message: string };

export const checkOk = <T>(value: T): Check<T> => ({ ok: true, value });
export const checkFailed = <T = never>(message: string): Check<T> => ({ ok: false, message });
const ok = checkOk;
const bad = checkFailed;

export const LIMITS = {
  username: { min: 3, max: 30 },
  email: { max: 254, local: 64 },
  password: { min: 8, max: 1024 },
  title: { min: 12, max: 120 },
  body: { min: 1, max: 12_000 },
  tags: { max: 5, min: 1, maxLength: 40 },
  anonymousName: { max: 40 },
  reason: { max: 300 },
  categoryName: { min: 1, max: 80 },
  slug: { max: 80 },
  categoryDescription: { max: 800 },
} as const;

/** Code points, not UTF-16 units: an emoji counts as one character. */
export const charCount = (s: string) => [...s].length;

/** NFC and trimmed; CRLF folded to LF so a body's length does not depend on the client's OS. */
export const normalizeText = (s: string) => s.normalize('NFC').replace(/\r\n?/g, '\n').trim();

// Line breaks, tabs and other C0/C1 controls have no place in a one-line field.
const SINGLE_LINE_CONTROL = /[\p{Cc}\u2028\u2029]/u;
// Bodies keep tab and newline; every other control character is refused.
const MULTI_LINE_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// Bidi overrides and isolates make text read differently from what it is (spoofed names,
// reversed link text); ordinary right-to-left text never needs them.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
// Invisible characters no legitimate name or title needs (ZWNJ/ZWJ stay: scripts and emoji use them).
const INVISIBLE = /[\u200B\u2060\uFEFF\u00AD]/;
// At least one character a reader can see.
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

interface TextRule {
  min: number;
  max: number;
  multiLine?: boolean;
}

function checkText(input: unknown, rule: TextRule, what: string): Check<string> {
  if (typeof input !== 'string') return bad(`${what} must be a string.`);
  const value = normalizeText(input);
  if (rule.multiLine ? MULTI_LINE_CONTROL.test(value) : SINGLE_LINE_CONTROL.test(value))
    return bad(`${what} contains control characters.`);
  if (BIDI_CONTROL.test(value)) return bad(`${what} contains bidirectional override characters.`);
  if (!rule.multiLine && INVISIBLE.test(value))
    return bad(`${what} contains invisible characters.`);
  const length = charCount(value);
  if (length < rule.min || (rule.min > 0 && !VISIBLE.test(value)))
    return bad(
      rule.min <= 1
        ? `${what} must not be empty.`
        : `${what} must be at least ${rule.min} characters.`,
    );
  if (length > rule.max) return bad(`${what} must be at most ${rule.max} characters.`);
  return ok(value);
}

/** Absent, null or blank gives null; otherwise the text rule applies. */
function checkOptionalText(input: unknown, rule: TextRule, what: string): Check<string | null> {
  if (input === undefined || input === null) return ok(null);
  if (typeof input === 'string' && normalizeText(input) === '') return ok(null);
  return checkText(input, rule, what);
}

const USERNAME = /^[A-Za-z0-9_.-]+$/;

export function checkUsername(input: unknown): Check<string> {
  if (typeof input !== 'string') return bad('Username must be a string.');
  const value = normalizeText(input);
  const length = charCount(value);
  if (length < LIMITS.username.min || length > LIMITS.username.max)
    return bad(`Username must be ${LIMITS.username.min}-${LIMITS.username.max} characters long.`);
  if (!USERNAME.test(value)) return bad('Username may contain only letters A-Z, digits and _ . -');
  return ok(value);
}

// A practical subset of RFC 5322: a dot-atom local part and a DNS host name, ASCII only.
const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const EMAIL_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function checkEmail(input: unknown): Check<string> {
  if (typeof input !== 'string') return bad('Email must be a string.');
  const value = input.normalize('NFC').trim();
  if (value.length === 0) return bad('Email must not be empty.');
  if (value.length > LIMITS.email.max)
    return bad(`Email must be at most ${LIMITS.email.max} characters.`);
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (
    at <= 0 ||
    local.length > LIMITS.email.local ||
    !EMAIL_LOCAL.test(local) ||
    domain.length === 0 ||
    !domain.split('.').every((label) => EMAIL_LABEL.test(label))
  )
    return bad('Email is not a valid address.');
  return ok(value);
}

/** The form an email takes before its keyed hash is computed (the `useremail-` key). */
export const emailHashInput = (email: string) => email.normalize('NFC').trim().toLowerCase();

/** Passwords are checked, never normalised: what the user typed is what gets hashed. */
export function checkPassword(input: unknown): Check<string> {
  if (typeof input !== 'string') return bad('Password must be a string.');
  const length = charCount(input);
  if (length < LIMITS.password.min)
    return bad(`Password must be at least ${LIMITS.password.min} characters.`);
  if (length > LIMITS.password.max)
    return bad(`Password must be at most ${LIMITS.password.max} characters.`);
  return ok(input);
}

export const checkTitle = (input: unknown) => checkText(input, LIMITS.title, 'Title');

export const checkBody = (input: unknown) =>
  checkText(input, { ...LIMITS.body, multiLine: true }, 'Body');

const TAG = /^[a-z0-9+#.-]+$/;

/** Lower-cased, de-duplicated (first spelling wins the position), 0-5 of them. */
export function checkTags(input: unknown): Check<string[]> {
  if (input === undefined || input === null) return ok([]);
  if (!Array.isArray(input)) return bad('Tags must be a list.');
  const tags: string[] = [];
  for (const raw of input) {
    if (typeof raw !== 'string') return bad('Each tag must be a string.');
    const tag = raw.normalize('NFC').trim().toLowerCase();
    const length = charCount(tag);
    if (length < LIMITS.tags.min) return bad('Tags must not be empty.');
    if (length > LIMITS.tags.maxLength)
      return bad(`Tag "${tag}" is longer than ${LIMITS.tags.maxLength} characters.`);
    if (!TAG.test(tag)) return bad(`Tag "${tag}" may contain only a-z, 0-9 and + # . -`);
    if (!tags.includes(tag)) tags.push(tag);
  }
  if (tags.length > LIMITS.tags.max) return bad(`At most ${LIMITS.tags.max} tags.`);
  return ok(tags);
}

/** Anonymous display name: optional, null when blank. */
export const checkAnonymousName = (input: unknown) =>
  checkOptionalText(input, { min: 1, max: LIMITS.anonymousName.max }, 'Name');

/** Edit reasons are optional; null when blank. */
export const checkReason = (input: unknown) =>
  checkOptionalText(input, { min: 1, max: LIMITS.reason.max }, 'Reason');

/** Closing a question says why. */
export const checkRequiredReason = (input: unknown) =>
  checkText(input, { min: 1, max: LIMITS.reason.max }, 'Reason');

export const checkCategoryName = (input: unknown) => checkText(input, LIMITS.categoryName, 'Name');

export function checkCategoryDescription(input: unknown): Check<string> {
  const checked = checkOptionalText(
    input,
    { min: 1, max: LIMITS.categoryDescription.max, multiLine: true },
    'Description',
  );
  return checked.ok ? ok(checked.value ?? '') : checked;
}

const SLUG = /^[a-z0-9-]{1,80}$/;

/** "Écoles & Lycées" -> "ecoles-lycees": accents dropped, anything else becomes one hyphen. */
export const slugify = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, LIMITS.slug.max)
    .replace(/-+$/, '');

/** The given slug, or one derived from the (already normalised) name when absent. */
export function checkSlug(input: unknown, name: string | null): Check<string> {
  if (input === undefined || input === null || (typeof input === 'string' && input.trim() === '')) {
    if (name === null) return bad('Slug cannot be derived from an invalid name.');
    const derived = slugify(name);
    return derived
      ? ok(derived)
      : bad('Slug cannot be derived from the name; give one of a-z, 0-9 and -.');
  }
  if (typeof input !== 'string') return bad('Slug must be a string.');
  const value = input.trim();
  return SLUG.test(value) ? ok(value) : bad(`Slug must be 1-${LIMITS.slug.max} of a-z, 0-9 and -.`);
}

const LEVEL_VALUES: readonly number[] = Object.values(LEVELS);

export function checkLevel(input: unknown): Check<UserLevel> {
  return typeof input === 'number' && LEVEL_VALUES.includes(input)
    ? ok(input as UserLevel)
    : bad(`Level must be one of ${LEVEL_VALUES.join(', ')}.`);
}

export function checkVoteValue(input: unknown): Check<VoteValue> {
  return input === 1 || input === -1 || input === 0 ? ok(input) : bad('Vote must be 1, -1 or 0.');
}

export const checkRevisionNumber = (input: unknown, current: number): Check<number | undefined> =>
  input === undefined
    ? ok(undefined)
    : typeof input === 'number' && Number.isInteger(input) && input >= 1 && input <= current
      ? ok(input)
      : bad(`Revision must be between 1 and ${current}.`);

type Checked<T> = { [K in keyof T]: T[K] extends Check<infer V> ? V : never };

/**
 * Runs every check and returns the normalised values, or throws one VALIDATION_FAILED
 * listing every bad field (keys are the public field names).
 */
export function validateFields<T extends Record<string, Check<unknown>>>(checks: T): Checked<T> {
  const errors: FieldError[] = [];
  const values: Record<string, unknown> = {};
  for (const [field, check] of Object.entries(checks)) {
    if (check.ok) values[field] = check.value;
    else errors.push({ field, message: check.message });
  }
  if (errors.length > 0) throw domainError(ErrorCodes.VALIDATION_FAILED, undefined, errors);
  return values as Checked<T>;
}
