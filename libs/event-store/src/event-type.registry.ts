/**
 * Stable event type names, their current schema versions and the upcasters that lift older
 * stored payloads to the current shape. Every read passes through it, so deciders,
 * projections and the notification reactor only ever see current shapes, while the log
 * itself stays immutable (ARCHITECTURE.md: "a breaking change is a new type or an upcaster").
 *
 * Unknown types pass through untouched: other applications may write to the same store,
 * and a consumer that does not know a type ignores it anyway. Refusing them would stop
 * every projection on the first foreign event.
 */
import type { DomainEventType } from '@qa/domain';
import { eventSchemaUnsupported } from './event-store.errors';
import type { StoredEvent } from './event-store.port';

/** Lifts the payload of version `n` to version `n + 1`. */
export type Upcaster = (data: any, event: StoredEvent) => unknown;

export interface EventTypeDefinition {
  /** The current schema version (1 for a type that never changed). */
  version: number;
  /** `upcasters[n]` lifts version n to n + 1; required for every n below `version`. */
  upcasters?: Record<number, Upcaster>;
}

/** Events written before schema versions were recorded are version 1. */
const DEFAULT_STORED_VERSION = 1;

export class EventTypeRegistry {
  private readonly definitions = new Map<string, Required<EventTypeDefinition>>();

  register(type: string, definition: EventTypeDefinition): this {
    const { version, upcasters = {} } = definition;
    if (!Number.isSafeInteger(version) || version < 1) {
      throw new RangeError(`Schema version of ${type} must be a positive integer, got ${version}.`);
    }
    if (this.definitions.has(type)) {
      throw new Error(`Event type ${type} is already registered.`);
    }
    for (let v = 1; v < version; v++) {
      if (typeof upcasters[v] !== 'function') {
        throw new Error(`Event type ${type} at version ${version} lacks an upcaster from ${v}.`);
      }
    }
    this.definitions.set(type, { version, upcasters });
    return this;
  }

  has(type: string): boolean {
    return this.definitions.has(type);
  }

  /** The version new events of this type are written with, or undefined for unknown types. */
  currentVersion(type: string): number | undefined {
    return this.definitions.get(type)?.version;
  }

  types(): string[] {
    return [...this.definitions.keys()];
  }

  /** The event as the current schema describes it; unknown types come back unchanged. */
  upcast<T = unknown>(event: StoredEvent): StoredEvent<T> {
    const definition = this.definitions.get(event.type);
    if (!definition) return event as StoredEvent<T>;
    const stored = storedVersion(event);
    if (stored > definition.version) {
      throw eventSchemaUnsupported(event.type, stored, definition.version);
    }
    if (stored === definition.version) return event as StoredEvent<T>;
    let data: unknown = event.data;
    for (let v = stored; v < definition.version; v++) {
      data = definition.upcasters[v](data, event);
    }
    return {
      ...event,
      data: data as T,
      metadata: { ...event.metadata, schemaVersion: definition.version },
    };
  }
}

const storedVersion = (event: StoredEvent): number => {
  const version = event.metadata?.schemaVersion;
  return Number.isSafeInteger(version) && version >= 1 ? version : DEFAULT_STORED_VERSION;
};

/**
 * Current schema version of every domain event. Typed as a record over the DomainEvent
 * union, so adding an event to libs/domain without registering it here fails to compile.
 */
export const DOMAIN_EVENT_SCHEMAS: Record<DomainEventType, EventTypeDefinition> = {
  UserRegistered: { version: 1 },
  UserLevelChanged: { version: 1 },
  UserPersonalDataErased: { version: 1 },
  UsernameReserved: { version: 1 },
  UsernameReleased: { version: 1 },
  UserEmailReserved: { version: 1 },
  UserEmailReleased: { version: 1 },
  FirstUserClaimed: { version: 1 },
  SubjectKeyCreated: { version: 1 },
  CategoryCreated: { version: 1 },
  QuestionAsked: { version: 1 },
  QuestionEdited: { version: 1 },
  QuestionClosed: { version: 1 },
  QuestionReopened: { version: 1 },
  AnswerSelected: { version: 1 },
  AnswerSelectionCleared: { version: 1 },
  AnswerPosted: { version: 1 },
  AnswerEdited: { version: 1 },
  CommentPosted: { version: 1 },
  CommentEdited: { version: 1 },
  PostHidden: { version: 1 },
  PostShown: { version: 1 },
  VoteCast: { version: 1 },
};

/** A registry holding every domain event type; callers may register more on top. */
export const createDomainEventRegistry = (): EventTypeRegistry => {
  const registry = new EventTypeRegistry();
  for (const [type, definition] of Object.entries(DOMAIN_EVENT_SCHEMAS)) {
    registry.register(type, definition);
  }
  return registry;
};
