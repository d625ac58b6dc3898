import { excerpt, renderNotificationEmail } from './notification-email.template';
import type { NotificationEmailInput } from './notification-email.template';

const input: NotificationEmailInput = {
  siteTitle: 'Gardening Q&A',
  reason: 'answer-on-your-question',
  questionTitle: 'Why are my tomato leaves turning yellow?',
  actorName: 'greenthumb',
  text: 'Most likely **nitrogen deficiency**. See [this guide](https://example.org/guide).',
  postUrl: 'https://q.example/questions/q1#answer-a1',
  unsubscribeUrl: 'https://q.example/api/v1/notifications/unsubscribe?token=abc',
};

describe('notification email template', () => {
  it('names the site, the question, the new text, the link and the unsubscribe link in text', () => {
    const email = renderNotificationEmail(input);
    expect(email.subject).toBe(
      '[Gardening Q&A] greenthumb answered your question: Why are my tomato leaves turning yellow?',
    );
    expect(email.text).toContain('Gardening Q&A');
    expect(email.text).toContain('Why are my tomato leaves turning yellow?');
    expect(email.text).toContain('> Most likely nitrogen deficiency. See this guide.');
    expect(email.text).toContain('Read it: https://q.example/questions/q1#answer-a1');
    expect(email.text).toContain(
      'Stop these emails: https://q.example/api/v1/notifications/unsubscribe?token=abc',
    );
  });

  it('says the same in HTML', () => {
    const { html } = renderNotificationEmail(input);
    expect(html).toContain('<strong>Gardening Q&amp;A</strong>');
    expect(html).toContain('Why are my tomato leaves turning yellow?');
    expect(html).toContain('Most likely nitrogen deficiency.');
    expect(html).toContain('href="https://q.example/questions/q1#answer-a1"');
    expect(html).toContain('href="https://q.example/api/v1/notifications/unsubscribe?token=abc"');
  });

  it('escapes what users wrote in the HTML part', () => {
    const { html } = renderNotificationEmail({
      ...input,
      questionTitle: '<script>alert(1)</script> title',
      actorName: '<b>x</b>',
      text: 'a <img src=x onerror=alert(1)> b "quoted"',
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; title');
  });

  it('keeps the subject on one line', () => {
    expect(
      renderNotificationEmail({ ...input, questionTitle: 'a\r\nBcc: x@y.z' }).subject,
    ).not.toMatch(/[\r\n]/);
  });

  it('words each reason', () => {
    const subjects = (
      [
        'comment-on-your-post',
        'comment-in-your-thread',
        'your-answer-selected',
        'question-posted',
      ] as const
    ).map((reason) => renderNotificationEmail({ ...input, reason }).subject);
    expect(subjects).toEqual([
      '[Gardening Q&A] greenthumb commented on your post: Why are my tomato leaves turning yellow?',
      '[Gardening Q&A] greenthumb added a comment after yours: Why are my tomato leaves turning yellow?',
      '[Gardening Q&A] greenthumb selected your answer as the best: Why are my tomato leaves turning yellow?',
      '[Gardening Q&A] greenthumb asked a new question: Why are my tomato leaves turning yellow?',
    ]);
  });
});

describe('excerpt', () => {
  it('drops Markdown markup and collapses whitespace', () => {
    expect(excerpt('# Title\n\n- one\n- two\n\n```js\ncode()\n```\n`x` and ![alt](i.png)')).toBe(
      'Title one two x and alt',
    );
  });

  it('cuts long text on a word boundary with an ellipsis', () => {
    const long = 'word '.repeat(200);
    const out = excerpt(long, 50);
    expect(out.length).toBeLessThanOrEqual(51);
    expect(out.endsWith('word…')).toBe(true);
  });

  it('keeps short text whole', () => {
    expect(excerpt('Short answer.')).toBe('Short answer.');
  });
});
