/**
 * Turns a post's Markdown source into HTML that is safe to put in a page. The API stores
 * what the user typed; every reader (API pages, emails) renders through this one function,
 * so the rule "nothing a user typed ever runs in a browser" lives in one place.
 *
 * Two layers on purpose: markdown-it with raw HTML off never emits tags the user typed, and
 * sanitize-html then enforces an allow-list on what markdown-it itself produced (links and
 * images carry user-chosen URLs, and a future plugin could emit more than we expect).
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const SAFE_SCHEMES = ['http', 'https', 'mailto'];

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });

// markdown-it's own link check lets through every scheme except javascript/vbscript/file and
// most data: URLs; ours is stricter and the same for links and images.
markdown.validateLink = (url: string): boolean => isSafeUrl(url);

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code',
    'em', 'strong', 's', 'del', 'ul', 'ol', 'li', 'a', 'img',
    'table', 'thead', 'tbody', 'tr', 'th', 'td',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title'],
    ol: ['start'],
    th: ['style'],
    td: ['style'],
    code: ['class'],
  },
  allowedStyles: { '*': { 'text-align': [/^(left|right|center)$/] } },
  allowedClasses: { code: [/^language-[a-z0-9_+#.-]{1,40}$/] },
  allowedSchemes: SAFE_SCHEMES,
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, rel: 'nofollow ugc noopener noreferrer' },
    }),
  },
};

/** Markdown source -> sanitised HTML. Pure and synchronous; the same input gives the same output. */
export function renderMarkdown(source: string): string {
  return sanitizeHtml(markdown.render(source), sanitizeOptions);
}

/**
 * Whether a link target may appear in a page: relative references and the schemes above.
 * Control characters and whitespace are removed first because browsers ignore them inside
 * a scheme (`java\tscript:` runs), and entities are already decoded by markdown-it.
 */
export function isSafeUrl(url: string): boolean {
  const squashed = url.replace(/[\u0000-\u0020\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/g, '').toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(squashed);
  if (scheme) return SAFE_SCHEMES.includes(scheme[1]);
  // "//host/path" would leave the site without a scheme we checked.
  if (squashed.startsWith('//') || squashed.startsWith('\\\\') || squashed.startsWith('/\\')) return false;
  // A colon before any slash, query or fragment is a scheme the regex could not parse.
  const firstColon = squashed.indexOf(':');
  if (firstColon === -1) return true;
  const firstDelimiter = squashed.search(/[/?#]/);
  return firstDelimiter !== -1 && firstDelimiter < firstColon;
}
