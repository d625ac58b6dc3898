/**
 * A question page as it stood at a given time, folded in memory by the very projection that
 * builds the live read models (ReadModelProjection over a MemoryDocSet) and rendered by the
 * live page's own renderer (`renderQuestionPage` of the read models): the two cannot
 * disagree about what an event does to a page, nor about how a page looks.
 *
 * Pure: the caller brings the events of the question's streams (and its categories') and
 * the authors' points at that time.
 */
import type { StoredEvent } from '@qa/event-store';
import {
  MemoryDocSet,
  ReadModelProjection,
  questionPageAuthorIds,
  renderQuestionPage as renderPage,
  toProjected,
  type PostDoc,
  type UserPoints,
} from '@qa/read-models';

export type { QuestionPage } from '@qa/read-models';

/** The time an event happened: the command's time it carries, else the metadata's. */
export function eventTime(event: StoredEvent): string {
  const at = (event.data as { at?: unknown } | null)?.at;
  return typeof at === 'string' ? at : event.metadata.at;
}

/** The page's documents after every event up to `asOf` (inclusive), in `$all` order. */
export function foldQuestionDocs(
  events: StoredEvent[],
  asOf: string,
  projection = new ReadModelProjection(),
): MemoryDocSet {
  const docs = new MemoryDocSet();
  const ordered = [...events].sort((a, b) =>
    a.position.commit < b.position.commit ? -1 : a.position.commit > b.position.commit ? 1 : 0,
  );
  for (const stored of ordered) {
    if (eventTime(stored) > asOf) continue;
    const event = toProjected(stored);
    if (event) projection.apply(docs, event);
  }
  return docs;
}

/** Every author id the page shows (posters and editors of visible posts, the closer). */
export function pageAuthorIds(docs: MemoryDocSet, questionId: string): string[] {
  return questionPageAuthorIds(docs.get('questions', questionId), questionPosts(docs, questionId));
}

function questionPosts(docs: MemoryDocSet, questionId: string): PostDoc[] {
  return [...docs.collections.posts.values()].filter((p) => p.questionId === questionId);
}

/** The page in API.md's shape, or null when it was not visible then. */
export function renderQuestionPage(docs: MemoryDocSet, questionId: string, users: UserPoints) {
  return renderPage(docs.get('questions', questionId), questionPosts(docs, questionId), users);
}
