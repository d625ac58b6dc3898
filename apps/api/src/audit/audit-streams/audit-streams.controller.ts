/**
 * `GET /api/v1/audit/streams/:stream` (admins): the raw events of one stream with who did
 * it, when, and the correlation and causation ids; personal data redacted, key streams
 * never shown.
 */
import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { auditedEvent, isKeyStream } from '@qa/audit';
import { forbidden, LEVELS, notFound } from '@qa/domain';
import type { EventStore } from '@qa/event-store';
import type { Actor } from '../../auth/actor';
import { requireUser } from '../../auth/actor';
import { ActorGuard, CurrentActor } from '../../auth/actor.guard';
import { UserDirectory } from '../../auth/user.directory';
import { EVENT_STORE } from '../../commands/shared/tokens';

const STREAM_NAME = /^[A-Za-z0-9_.-]{1,200}$/;

@ApiTags('audit')
@Controller('api/v1/audit/streams')
@UseGuards(ActorGuard)
export class AuditStreamsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(UserDirectory) private readonly users: UserDirectory,
  ) {}

  @Get(':stream')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'The raw events of one stream with their metadata, personal data redacted (admins)',
    description: 'Error codes: UNAUTHENTICATED, FORBIDDEN, STREAM_NOT_FOUND.',
  })
  async stream(@CurrentActor() actor: Actor, @Param('stream') stream: string) {
    const caller = await this.users.current(requireUser(actor));
    if (caller.level < LEVELS.admin)
      throw forbidden('FORBIDDEN', 'Only admins may read raw streams.');
    if (isKeyStream(stream))
      throw forbidden('FORBIDDEN', 'Encryption key streams are never shown.');
    if (!STREAM_NAME.test(stream) || stream.startsWith('$'))
      throw notFound('STREAM_NOT_FOUND', `There is no stream ${stream}.`);
    let events;
    try {
      events = await this.store.readStream(stream);
    } catch (e) {
      if ((e as { code?: string }).code === 'STREAM_DELETED')
        throw notFound('STREAM_NOT_FOUND', `Stream ${stream} was deleted.`);
      throw e;
    }
    if (events.length === 0) throw notFound('STREAM_NOT_FOUND', `There is no stream ${stream}.`);
    return { stream, events: events.map(auditedEvent) };
  }
}
