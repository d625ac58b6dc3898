/**
 * `GET|POST /api/v1/notifications/unsubscribe?token=...` (API.md "Notifications"). The token
 * names a keyed email hash and is signed; the worker checks the list at send time, so the
 * next email to that address is not sent. POST is the RFC 8058 one-click form that mail
 * clients send (`List-Unsubscribe=One-Click`): it answers 200, never a redirect.
 */
import { Controller, Get, Header, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@qa/domain';
import { UnsubscribeStore, verifyUnsubscribeToken } from '@qa/notifications';

export const UNSUBSCRIBE_SECRET = 'QA_UNSUBSCRIBE_SECRET';
export const INVALID_UNSUBSCRIBE_TOKEN = 'INVALID_UNSUBSCRIBE_TOKEN';

const invalidToken = () =>
  new DomainError(
    'validation',
    INVALID_UNSUBSCRIBE_TOKEN,
    'This unsubscribe link is not valid. Use the link from the latest email.',
  );

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Unsubscribed</title>
<meta name="robots" content="noindex"></head>
<body style="font:16px/1.45 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem">
<h1>You are unsubscribed</h1>
<p>We will not send notification emails to this address any more.</p>
</body></html>
`;

@ApiTags('notifications')
@Controller('api/v1/notifications')
export class UnsubscribeController {
  constructor(
    private readonly unsubscribes: UnsubscribeStore,
    @Inject(UNSUBSCRIBE_SECRET) private readonly secret: string,
  ) {}

  @Get('unsubscribe')
  @ApiOperation({
    summary: 'Stop notification emails to the address the token names (link in each email).',
  })
  @ApiQuery({ name: 'token', required: true })
  @Header('cache-control', 'no-store')
  async viaLink(
    @Query('token') token: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | { unsubscribed: true }> {
    await this.unsubscribe(token);
    const accept = String(request.headers.accept ?? '');
    if (accept.includes('application/json') && !accept.includes('text/html')) {
      return { unsubscribed: true };
    }
    reply.header('content-type', 'text/html; charset=utf-8');
    return PAGE;
  }

  @Post('unsubscribe')
  @HttpCode(200)
  @ApiOperation({ summary: 'RFC 8058 one-click unsubscribe (List-Unsubscribe-Post).' })
  @ApiQuery({ name: 'token', required: true })
  @Header('cache-control', 'no-store')
  async oneClick(@Query('token') token: unknown): Promise<{ unsubscribed: true }> {
    await this.unsubscribe(token);
    return { unsubscribed: true };
  }

  private async unsubscribe(token: unknown): Promise<void> {
    const emailHash = verifyUnsubscribeToken(this.secret, token);
    if (!emailHash) throw invalidToken();
    await this.unsubscribes.unsubscribe(emailHash, new Date());
  }
}
