/**
 * What every command carries besides its own fields: who, when, and the client's
 * Idempotency-Key. From it come the event metadata, the event ids and new entity ids.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EventMetadata } from '@qa/event-store';
import type { Actor } from '../auth/actor';

export interface CommandContext {
  actor: Actor;
  /** The command's time (ISO 8601 UTC); the domain takes time only from here. */
  at: string;
  /** The client's Idempotency-Key, already scoped to the caller (see scopeIdempotencyKey). */
  idempotencyKey: string | null;
  correlationId: string;
}

const ACTOR_SCOPE = (actor: Actor) =>
  actor.kind === 'user' ? `u:${actor.userId}` : `a:${actor.ipHash}`;

/**
 * Two callers choosing the same key must never see each other's results, so the key is
 * scoped by who sent it before anything is derived from it.
 */
export function createCommandContext(
  actor: Actor,
  idempotencyKey: string | null | undefined,
  at = new Date(),
): CommandContext {
  const scoped = idempotencyKey ? `${ACTOR_SCOPE(actor)}|${idempotencyKey}` : null;
  return {
    actor,
    at: at.toISOString(),
    idempotencyKey: scoped,
    correlationId: scoped ? uuidFrom(`correlation|${scoped}`) : randomUUID(),
  };
}

/**
 * A new entity id: random, or derived from the Idempotency-Key so a retried request names
 * the same entity. 20 characters of [a-z0-9] (80 bits), the domain's id alphabet.
 */
export function newId(context: CommandContext, purpose: string): string {
  if (!context.idempotencyKey) return randomId();
  return createHash('sha256')
    .update(`id|${purpose}|${context.idempotencyKey}`)
    .digest('hex')
    .slice(0, 20);
}

/**
 * Random ids come from a pool of random bytes filled 256 ids at a time: one call into the
 * system's random source per pool instead of one per id (that call was most of an answer's
 * id cost). Every id still takes its own 10 bytes, never handed out twice.
 */
const ID_BYTES = 10;
const POOL_IDS = 256;
let idPool = Buffer.alloc(0);
let idOffset = 0;

function randomId(): string {
  if (idOffset >= idPool.length) {
    idPool = randomBytes(ID_BYTES * POOL_IDS);
    idOffset = 0;
  }
  const id = idPool.toString('hex', idOffset, idOffset + ID_BYTES);
  idOffset += ID_BYTES;
  return id;
}

/** The id of the `index`-th event a command appends to `stream`. */
export function eventIdFor(context: CommandContext, stream: string, index: number): string {
  return context.idempotencyKey
    ? uuidFrom(`event|${context.idempotencyKey}|${stream}|${index}`)
    : randomUUID();
}

export function metadataFor(context: CommandContext): EventMetadata {
  return {
    correlationId: context.correlationId,
    causationId: context.correlationId,
    actor: context.actor.kind === 'user' ? context.actor.userId : 'anonymous',
    ipHash: context.actor.ipHash,
    at: context.at,
    schemaVersion: 1,
  };
}

/** A name-based UUID (version 5 layout over SHA-256): the same name always gives the same id. */
export function uuidFrom(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
