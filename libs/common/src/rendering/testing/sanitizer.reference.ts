/**
 * The reference the renderer is held to: markdown-it's own HTML passed through an HTML
 * sanitiser with the same allow-list. Rendering used to work this way; the renderer now
 * enforces the allow-list on tokens and must give the same HTML for any source.
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { isSafeUrl } from '../markdown.renderer';
import { seededRandom } from '../../testing/seeded-random';

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
markdown.validateLink = (url: string): boolean => isSafeUrl(url);

const options: sanitizeHtml.IOptions = {
  // the old configuration as it was, not derived from the renderer's own table, so a wrong
  // entry there shows as a difference
  allowedTags: [
    'p',
    'br',
    'hr',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'blockquote',
    'pre',
    'code',
    'em',
    'strong',
    's',
    'del',
    'ul',
    'ol',
    'li',
    'a',
    'img',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
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
  allowedSchemes: ['http', 'https', 'mailto'],
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

export function sanitizedReference(source: string): string {
  return sanitizeHtml(markdown.render(source), options);
}

/** Seeded Markdown covering every construct markdown-it renders, with hostile URLs, names and text. */
export function generatedSources(seed: number, count: number): string[] {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const urls = [
    'https://a.example/x?y=1&z=2',
    'http://b.example',
    'mailto:me@c.example',
    '/relative/path',
    '#frag',
    'page?x=a:b',
    'javascript:alert(1)',
    'JaVaScRiPt:x',
    'data:image/png;base64,AAAA',
    '//evil.example',
    'vbscript:x',
    'ftp://files.example',
    'x"onmouseover="y',
    '<https://d.example>',
    'https://e.example/"q"',
    'weird:thing',
    '',
  ];
  const words = [
    'plain',
    'a & b',
    '<b>bold</b>',
    '"quoted"',
    "it's",
    '5 > 3 < 4',
    '&amp;',
    '&copy;',
    '&#x27;',
    '&quot;',
    'ünïcödé',
    '💬',
    '\\*escaped\\*',
    'www.example.com',
    'https://f.example/path',
    'me@g.example',
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '`tick`',
  ];
  const langs = [
    'js',
    'JS',
    'c++',
    'c#',
    'objective-c',
    'a b',
    '<x>',
    '"q"',
    'x'.repeat(45),
    'py{.x}',
    'language-js',
    '',
  ];
  const inline = (): string => {
    const w = pick(words);
    switch (Math.floor(rnd() * 10)) {
      case 0:
        return `*${w}*`;
      case 1:
        return `**${w}**`;
      case 2:
        return `~~${w}~~`;
      case 3:
        return `\`${w}\``;
      case 4:
        return `[${w}](${pick(urls)}${rnd() < 0.3 ? ` "${pick(words)}"` : ''})`;
      case 5:
        return `![${w}](${pick(urls)}${rnd() < 0.3 ? ` "${pick(words)}"` : ''})`;
      case 6:
        return `<${pick(urls).replace(/^<|>$/g, '')}>`;
      case 7:
        return `${w}  \n${pick(words)}`;
      default:
        return w;
    }
  };
  const line = () => Array.from({ length: 1 + Math.floor(rnd() * 5) }, inline).join(' ');
  const block = (): string => {
    switch (Math.floor(rnd() * 11)) {
      case 0:
        return `${'#'.repeat(1 + Math.floor(rnd() * 6))} ${line()}`;
      case 1:
        return `\`\`\`${pick(langs)}\n${pick(words)}\n${pick(words)}\n\`\`\``;
      case 2:
        return `    ${pick(words)}\n    ${pick(words)}`;
      case 3:
        return `> ${line()}\n> ${line()}`;
      case 4:
        return ['- ', '* ', '+ '].map((m) => `${m}${line()}`).join('\n');
      case 5:
        return `${1 + Math.floor(rnd() * 9)}. ${line()}\n1. ${line()}`;
      case 6:
        return `| ${pick(words)} | b | c |\n|${pick([':--', '--:', ':-:', '---'])}|${pick([':--', '--:', ':-:', '---'])}|---|\n| ${inline()} | ${inline()} | x |`;
      case 7:
        return pick(['---', '***', '___']);
      case 8:
        return pick([
          '<div onclick="x">raw</div>',
          '<!-- comment -->',
          '<details open ontoggle=alert(1)>',
          '<iframe src="https://h.example"></iframe>',
        ]);
      case 9:
        return `[ref]: ${pick(urls)}\n\n[${pick(words)}][ref]`;
      default:
        return line();
    }
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + Math.floor(rnd() * 4) }, block).join(rnd() < 0.8 ? '\n\n' : '\n'),
  );
}
