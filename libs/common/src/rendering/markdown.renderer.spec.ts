import { isSafeUrl, renderMarkdown } from './markdown.renderer';

const NOT_EXECUTABLE = /<script|<iframe|<object|<embed|<svg|<style|\son[a-z]+\s*=|javascript:|vbscript:|data:/i;

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
    expect(html).not.toMatch(NOT_EXECUTABLE);
  });

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

  it.each(payloads)('never lets %j run', (payload) => {
    expect(renderMarkdown(payload)).not.toMatch(NOT_EXECUTABLE);
  });

  it('shows typed HTML as text rather than dropping it', () => {
    expect(renderMarkdown('<b>hi</b>')).toBe('<p>&lt;b&gt;hi&lt;/b&gt;</p>\n');
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
