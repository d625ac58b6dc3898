/**
 * What changed between two consecutive revisions of a post, as Stack Exchange's revision
 * history shows it: the title and body word by word, the tags as added and removed.
 */
import { diffWordsWithSpace } from 'diff';

export interface DiffPart {
  op: 'equal' | 'insert' | 'delete';
  text: string;
}

export interface RevisionDiff {
  title?: DiffPart[];
  body?: DiffPart[];
  tags?: { added: string[]; removed: string[] };
}

export interface RevisionContent {
  revision: number;
  title?: string;
  body: string;
  tags?: string[];
}

export function diffText(before: string, after: string): DiffPart[] {
  return diffWordsWithSpace(before, after).map((c) => ({
    op: c.added ? 'insert' : c.removed ? 'delete' : 'equal',
    text: c.value,
  }));
}

/** The changes from `before` to `after`; only the fields that changed appear. */
export function diffRevisions(before: RevisionContent, after: RevisionContent): RevisionDiff {
  const diff: RevisionDiff = {};
  if (after.title !== undefined && before.title !== after.title)
    diff.title = diffText(before.title ?? '', after.title);
  if (before.body !== after.body) diff.body = diffText(before.body, after.body);
  if (after.tags !== undefined) {
    const old = new Set(before.tags ?? []);
    const now = new Set(after.tags);
    const added = after.tags.filter((t) => !old.has(t));
    const removed = (before.tags ?? []).filter((t) => !now.has(t));
    if (added.length || removed.length) diff.tags = { added, removed };
  }
  return diff;
}

/** Revisions oldest first, each after the first with `diff` from the one before it. */
export function withDiffs<R extends RevisionContent>(
  revisions: R[],
): Array<R & { diff?: RevisionDiff }> {
  return revisions.map((r, i) =>
    i === 0 ? r : { ...r, diff: diffRevisions(revisions[i - 1], r) },
  );
}
