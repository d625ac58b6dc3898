/**
 * `/dev/mail`: the embedded SMTP sink's mailbox as two small HTML pages, so a person trying
 * the product can read the emails it would have sent. Only mounted when the sink is the
 * embedded one (never in production, where SMTP_URL points at a real server).
 */
import { Controller, Get, Header, Inject, Param } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { notFound } from '@qa/domain';
// The one module, not @qa/embedded's index, which would load the protocol servers too.
import { listMessages, readMessage } from '../../../../libs/embedded/src/smtp/mailbox';
import { escapeHtml } from './html';

export const MAILBOX_DIR = 'QA_MAILBOX_DIR';

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ddd}
th{font-weight:600}a{color:#0b5cad}pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem;border-radius:4px}
iframe{width:100%;height:32rem;border:1px solid #ddd;border-radius:4px}.muted{color:#777}dl{display:grid;grid-template-columns:6rem 1fr;gap:.2rem .8rem}dt{font-weight:600}dd{margin:0}`;

const layout = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head><body>${body}</body></html>
`;

@ApiExcludeController()
@Controller('dev/mail')
export class DevMailController {
  constructor(@Inject(MAILBOX_DIR) private readonly dir: string) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async index(): Promise<string> {
    const messages = await listMessages(this.dir);
    const rows = messages
      .map(
        (m) =>
          `<tr><td class="muted">${escapeHtml(m.date ?? '')}</td><td>${escapeHtml(m.to)}</td>` +
          `<td><a href="/dev/mail/${m.id}">${escapeHtml(m.subject || '(no subject)')}</a></td></tr>`,
      )
      .join('\n');
    const body = messages.length
      ? `<table><thead><tr><th>Date</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`
      : '<p class="muted">No messages yet. Emails the site sends appear here.</p>';
    return layout(
      'Mailbox',
      `<h1>Mailbox</h1><p class="muted">Every email sent while running with the embedded SMTP sink, newest first.</p>${body}`,
    );
  }

  @Get(':id')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async show(@Param('id') id: string): Promise<string> {
    const m = await readMessage(this.dir, id);
    if (!m) throw notFound('MESSAGE_NOT_FOUND', `There is no message ${id} in the mailbox.`);
    // The HTML part is shown in a sandboxed frame: no scripts, no same-origin access.
    const html = m.html
      ? `<h2>HTML</h2><iframe sandbox="" referrerpolicy="no-referrer" srcdoc="${escapeHtml(m.html)}"></iframe>`
      : '';
    const text = m.text !== null ? `<h2>Text</h2><pre>${escapeHtml(m.text)}</pre>` : '';
    const headers = m.headers.map((h) => escapeHtml(h.value)).join('\n');
    return layout(
      m.subject || 'Message',
      `<p><a href="/dev/mail">&larr; Mailbox</a></p><h1>${escapeHtml(m.subject || '(no subject)')}</h1>
<dl><dt>Date</dt><dd>${escapeHtml(m.date ?? '')}</dd><dt>From</dt><dd>${escapeHtml(m.from)}</dd><dt>To</dt><dd>${escapeHtml(m.to)}</dd></dl>
${html}${text}<details><summary>Headers</summary><pre>${headers}</pre></details>`,
    );
  }
}
