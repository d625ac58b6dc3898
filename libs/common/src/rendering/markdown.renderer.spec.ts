import { isSafeUrl, renderMarkdown } from './markdown.renderer';
import { generatedSources, sanitizedReference } from './testing/sanitizer.reference';

const ALLOWED_TAGS = new Set(['p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'em', 'strong', 's', 'del', 'ul', 'ol', 'li', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td']);

/**
 * What a browser would execute from this HTML: a real (unescaped) tag outside the allow-list,
 * an event-handler attribute, or a link/image URL with a scheme other than http(s)/mailto.
 */
function executableParts(html: string): string[] {
  const found: string[] = [];
  for (const tag of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)) {
    const [, name, attrs] = tag;
    if (!ALLOWED_TAGS.has(name.toLowerCase())) found.push(`tag ${name}`);
    for (const attr of attrs.matchAll(/([^\s=]+)\s*=\s*"([^"]*)"/g)) {
      const [, attrName, value] = attr;
      if (/^on/i.test(attrName)) found.push(`handler ${attrName}`);
      if (/^(href|src)$/i.test(attrName) && !/^(https?:\/\/|mailto:|[/?#]|[^:]*$)/i.test(value)) {
        found.push(`url ${value}`);
      }
    }
  }
  return found;
}

const payloads = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '[x](javascript:alert(1))',
  '[x](JaVaScRiPt:alert(1))',
  '[x](java\tscript:alert(1))',
  '[x](&#106;avascript:alert(1))',
  '[x](&#x6A;avascript&#x3A;alert(1))',
  '[x](%6Aavascript:alert(1))',
  '[x](vbscript:msgbox(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  '![x](javascript:alert(1))',
  '[x](  javascript:alert(1))',
  '[x](<javascript:alert(1)>)',
  '<svg onload=alert(1)>',
  '<iframe src="https://evil.example"></iframe>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '[x][r]\n\n[r]: javascript:alert(1)',
  '<<script>script>alert(1)<</script>/script>',
  '`<img src=x onerror=alert(1)>`',
  '<details open ontoggle=alert(1)>',
  '[x](\u0000javascript:alert(1))',
  '[a](https://ok.example "title\\" onmouseover=\\"alert(1))',
  'javascript:alert(1)',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
];

describe('renderMarkdown', () => {
  it('renders ordinary Markdown', () => {
    const html = renderMarkdown('# Title\n\nSome *emphasis*, `code` and **bold**.\n\n- a\n- b');
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<em>emphasis</em>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<li>a</li>');
  });

  it('marks links nofollow ugc noopener and linkifies bare URLs', () => {
    const html = renderMarkdown('[site](https://example.com/x) and https://example.org');
    expect(html).toContain('<a href="https://example.com/x" rel="nofollow ugc noopener noreferrer">site</a>');
    expect(html).toContain('href="https://example.org"');
  });

  it('keeps fenced code language classes and escapes the code', () => {
    const html = renderMarkdown('```js\n<script>alert(1)</script>\n```');
    expect(html).toContain('class="language-js"');
    expect(html).toContain('&lt;script&gt;');
    expect(executableParts(html)).toEqual([]);
  });


  it.each(payloads)('never lets %j run', (payload) => {
    const html = renderMarkdown(payload);
    expect(executableParts(html)).toEqual([]);
    expect(html).not.toMatch(/<(script|iframe|svg|math|details|div|img[^>]*onerror)/i);
  });

  it('shows typed HTML as text rather than dropping it', () => {
    expect(renderMarkdown('<b>hi</b>')).toBe('<p>&lt;b&gt;hi&lt;/b&gt;</p>\n');
  });
});

describe('renderMarkdown against the sanitiser it replaces', () => {
  it.each([...payloads, '<b>hi</b>', '```JS\nx\n```', '![x](mailto:a@b.example)', '| a | b |\n|:-|-:|\n| 1 | 2 |', 'say "hi" & <bye>'])(
    'gives the same HTML for %j',
    (source) => expect(renderMarkdown(source)).toBe(sanitizedReference(source)),
  );

  it('gives the same HTML for 5,000 generated sources', () => {
    const differing = generatedSources(20261126, 5000).filter((source) => renderMarkdown(source) !== sanitizedReference(source));
    expect(differing.slice(0, 3).map((source) => ({ source, html: renderMarkdown(source), reference: sanitizedReference(source) }))).toEqual([]);
  });
});

describe('isSafeUrl', () => {
  it.each(['https://a.example', 'http://a.example/x?y#z', 'mailto:a@b.example', '/relative', 'page?x=a:b', '#frag'])(
    'accepts %s',
    (url) => expect(isSafeUrl(url)).toBe(true),
  );
  it.each(['javascript:x', ' JAVASCRIPT:x', 'data:x', 'vbscript:x', 'file:///etc/passwd', '//evil.example', 'java\nscript:x', 'weird:thing'])(
    'refuses %j',
    (url) => expect(isSafeUrl(url)).toBe(false),
  );
});

describe('the executable-parts check used above', () => {
  it('does flag what a browser would run', () => {
    expect(executableParts('<a href="javascript:x">a</a><img src="x" onerror="y"><script>')).toEqual([
      'url javascript:x',
      'handler onerror',
      'tag script',
    ]);
  });
});
