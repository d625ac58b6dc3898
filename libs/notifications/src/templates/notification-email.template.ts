/**
 * The notification email: a subject, a plain-text part and an HTML part that say the same
 * thing (site, question title, an excerpt of the new text, a link to it, an unsubscribe
 * link). Pure, so the content is unit-tested; the HTML escapes everything users wrote.
 */
import type { NotificationReason } from '../recipients/recipients.rules';

export interface NotificationEmailInput {
  siteTitle: string;
  reason: NotificationReason;
  questionTitle: string;
  actorName: string;
  /** The new text, Markdown source. */
  text: string;
  postUrl: string;
  unsubscribeUrl: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export const EXCERPT_LENGTH = 300;

const HEADLINES: Record<NotificationReason, (i: NotificationEmailInput) => string> = {
  'answer-on-your-question': (i) => `${i.actorName} answered your question`,
  'comment-on-your-post': (i) => `${i.actorName} commented on your post`,
  'comment-in-your-thread': (i) => `${i.actorName} added a comment after yours`,
  'your-answer-selected': (i) => `${i.actorName} selected your answer as the best`,
  'question-posted': (i) => `${i.actorName} asked a new question`,
};

/** A short, plain-text excerpt of Markdown: markup dropped, whitespace collapsed, cut on a word. */
export function excerpt(markdown: string, max = EXCERPT_LENGTH): string {
  const plain = markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]*>/g, ' ')
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+/gm, '')
    .replace(/[*_`~]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain.length <= max) return plain;
  const cut = plain.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function renderNotificationEmail(input: NotificationEmailInput): RenderedEmail {
  const headline = HEADLINES[input.reason](input);
  const quote = excerpt(input.text);
  const subject = `[${input.siteTitle}] ${headline}: ${input.questionTitle}`.replace(
    /[\r\n]+/g,
    ' ',
  );
  const text = [
    `${headline} on ${input.siteTitle}:`,
    '',
    input.questionTitle,
    '',
    ...quote.split('\n').map((line) => `> ${line}`),
    '',
    `Read it: ${input.postUrl}`,
    '',
    '--',
    `You received this email from ${input.siteTitle} because you asked to be notified.`,
    `Stop these emails: ${input.unsubscribeUrl}`,
    '',
  ].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font-family:sans-serif;line-height:1.4">
<p>${e(headline)} on <strong>${e(input.siteTitle)}</strong>:</p>
<h2 style="font-size:1.1em">${e(input.questionTitle)}</h2>
<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:1em;color:#333">${e(quote)}</blockquote>
<p><a href="${e(input.postUrl)}">Read it on ${e(input.siteTitle)}</a></p>
<hr>
<p style="font-size:0.85em;color:#666">You received this email because you asked to be notified.
<a href="${e(input.unsubscribeUrl)}">Unsubscribe</a></p>
</body></html>
`;
  return { subject, text, html };
}
