/**
 * Turns a post's Markdown source into HTML that is safe to put in a page. The API stores
 * what the user typed; every reader (API pages, emails) renders through this one function,
 * so the rule "nothing a user typed ever runs in a browser" lives in one place.
 *
 * Two layers on purpose, both on markdown-it's token stream rather than on HTML text:
 * - markdown-it parses with raw HTML off, and whatever a raw-HTML token would hold (from a
 *   future option or plugin) is rendered as escaped text;
 * - an allow-list then runs over every token before rendering: tags outside it are not
 *   written, attributes outside it are dropped, and link and image URLs are checked again
 *   (links and images carry user-chosen URLs, and a future plugin could emit more than we
 *   expect).
 * Enforcing the allow-list on tokens gives the HTML an HTML sanitiser gave (the spec holds
 * the two equal over a generated corpus) without parsing the page a second time, which cost
 * four times what rendering did.
 */
import MarkdownIt from 'markdown-it';

type Token = MarkdownIt.Token;

const SAFE_SCHEMES = ['http', 'https', 'mailto'];
const IMAGE_SCHEMES = ['http', 'https'];

/** The tags a page may contain, with the attributes each may carry. */
const ALLOWED_TAGS: Readonly<Record<string, readonly string[]>> = {
  p: [], br: [], hr: [], h1: [], h2: [], h3: [], h4: [], h5: [], h6: [], blockquote: [], pre: [], code: ['class'],
  em: [], strong: [], s: [], del: [], ul: [], ol: ['start'], li: [], a: ['href', 'title', 'rel'], img: ['src', 'alt', 'title'],
  table: [], thead: [], tbody: [], tr: [], th: ['style'], td: ['style'],
};
const LINK_REL = 'nofollow ugc noopener noreferrer';
const CODE_LANGUAGE = /^language-[a-z0-9_+#.-]{1,40}$/;
const CELL_STYLE = /^text-align:(left|right|center)$/;

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false, xhtmlOut: true });

// markdown-it's own link check lets through every scheme except javascript/vbscript/file and
// most data: URLs; ours is stricter and the same for links and images.
markdown.validateLink = (url: string): boolean => isSafeUrl(url);

markdown.core.ruler.push('allow_list', (state) => {
  for (const token of state.tokens) {
    allowToken(token);
    if (token.children) for (const child of token.children) allowToken(child);
  }
});

/** Keeps a token's tag only if allowed, and of its attributes only those allowed with safe values. */
function allowToken(token: Token): void {
  if (token.type === 'fence') {
    // the first word of the info string becomes the code's class (see the fence rule): kept
    // only if it is a plain language name
    const language = markdown.utils.unescapeAll(token.info).trim().split(/\s+/)[0];
    token.info = CODE_LANGUAGE.test(`language-${language}`) ? language : '';
  }
  if (!token.tag) return;
  const allowed = ALLOWED_TAGS[token.tag];
  if (!allowed) {
    // not written; its content (text tokens) still is
    token.hidden = true;
    token.attrs = null;
    return;
  }
  if (token.tag === 'a' && token.nesting === 1) token.attrSet('rel', LINK_REL);
  if (!token.attrs) return;
  token.attrs = token.attrs.filter(([name, value]) => allowed.includes(name) && attributeValueAllowed(token.tag, name, String(value)));
}

function attributeValueAllowed(tag: string, name: string, value: string): boolean {
  if (value === '') return name === 'alt';
  switch (name) {
    case 'href':
      return isSafeUrl(value);
    case 'src':
      return isSafeUrl(value, IMAGE_SCHEMES);
    case 'style':
      return CELL_STYLE.test(value);
    case 'class':
      return tag === 'code' && CODE_LANGUAGE.test(value);
    case 'rel':
      return value === LINK_REL;
    default:
      return true;
  }
}

// Raw HTML is shown as the text it is, whatever the parser options say.
markdown.renderer.rules.html_block = (tokens, idx) => escapeText(tokens[idx].content);
markdown.renderer.rules.html_inline = (tokens, idx) => escapeText(tokens[idx].content);
// Text and code need no quote escaped (only attribute values do), as in the HTML a sanitiser writes.
markdown.renderer.rules.text = (tokens, idx) => escapeText(tokens[idx].content);
markdown.renderer.rules.code_inline = (tokens, idx, _options, _env, self) => `<code${self.renderAttrs(tokens[idx])}>${escapeText(tokens[idx].content)}</code>`;
markdown.renderer.rules.code_block = (tokens, idx, _options, _env, self) => `<pre><code${self.renderAttrs(tokens[idx])}>${escapeText(tokens[idx].content)}</code></pre>\n`;
// (the allow-list left in `info` only a plain language name, or nothing)
markdown.renderer.rules.fence = (tokens, idx) => {
  const { info, content } = tokens[idx];
  return `<pre><code${info ? ` class="language-${info}"` : ''}>${escapeText(content)}</code></pre>\n`;
};

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

function escapeText(text: string): string {
  return /[&<>]/.test(text) ? text.replace(/[&<>]/g, (c) => TEXT_ESCAPES[c]) : text;
}

/** Markdown source -> safe HTML. Pure and synchronous; the same input gives the same output. */
export function renderMarkdown(source: string): string {
  return markdown.render(source);
}

/**
 * Whether a link target may appear in a page: relative references and the schemes given
 * (http, https, mailto unless said otherwise). Control characters and whitespace are removed
 * first because browsers ignore them inside a scheme (`java\tscript:` runs), and entities
 * are already decoded by markdown-it.
 */
export function isSafeUrl(url: string, schemes: readonly string[] = SAFE_SCHEMES): boolean {
  const squashed = url.replace(/[\u0000-\u0020\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/g, '').toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(squashed);
  if (scheme) return schemes.includes(scheme[1]);
  // "//host/path" would leave the site without a scheme we checked.
  if (squashed.startsWith('//') || squashed.startsWith('\\\\') || squashed.startsWith('/\\')) return false;
  // A colon before any slash, query or fragment is a scheme the regex could not parse.
  const firstColon = squashed.indexOf(':');
  if (firstColon === -1) return true;
  const firstDelimiter = squashed.search(/[/?#]/);
  return firstDelimiter !== -1 && firstDelimiter < firstColon;
}
