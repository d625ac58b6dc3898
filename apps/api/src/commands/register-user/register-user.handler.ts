/**
 * Registration across streams, in the order libs/domain registration.ts lays down:
 * `username-<name>`, then `useremail-<hash>`, then the first-user marker, then `user-<id>`,
 * each created with expected revision "no stream" so two registrations can never both get
 * one name or address. A refused step releases what this registration had reserved.
 *
 * The first user ever registered becomes super: whoever creates the `registration-first`
 * stream (expected "no stream") is first, decided by the event store, so two first
 * registrations racing cannot both become super.
 *
 * With an Idempotency-Key, the user id and every event id derive from the key: a retry
 * re-appends identical events, which the store recognises, and answers the same user.
 */
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PersonalDataVault } from '@qa/common';
import {
  ConcurrencyError,
  emailHashInput,
  foldReservation,
  normalizeText,
  planRegistration,
  releasePlan,
  streams,
  userDecider,
  usernameReservationDecider,
  userEmailReservationDecider,
  type DomainEvent,
  type FirstUserClaimed,
  type RegisterUser,
} from '@qa/domain';
import type { StoredEvent } from '@qa/event-store';
import { PasswordHasher } from '../../auth/password.hasher';
import { metadataFor, newId, type CommandContext } from '../../command-bus/command-context';
import { asDomainEvent, CommandRunner } from '../../command-bus/command-runner';
import { RegisterUserCommand, type RegisteredResult } from './register-user.command';

type ReservationKind = 'username' | 'email';

@CommandHandler(RegisterUserCommand)
export class RegisterUserHandler implements ICommandHandler<RegisterUserCommand, RegisteredResult> {
  constructor(
    @Inject(CommandRunner) private readonly runner: CommandRunner,
    @Inject(PasswordHasher) private readonly passwords: PasswordHasher,
    @Inject(PersonalDataVault) private readonly vault: PersonalDataVault,
  ) {}

  async execute({ context, input }: RegisterUserCommand): Promise<RegisteredResult> {
    const userId = newId(context, 'user');
    const username = normalizeText(input.username);
    const emailHash = this.vault.hashEmail(emailHashInput(input.email));

    // Cheap reads first: a taken name or address costs no Argon2 work and creates no key.
    await this.check('username', streams.username(username), userId, context, username);
    await this.check('email', streams.userEmail(emailHash), userId, context, emailHash);

    const command: RegisterUser = {
      type: 'RegisterUser',
      data: {
        userId,
        username,
        email: await this.vault.seal(userId, input.email.trim(), metadataFor(context)),
        emailHash,
        passwordHash: await this.passwords.hash(input.password),
        isFirstUser: false,
        at: context.at,
      },
    };
    const [usernameStep, emailStep] = planRegistration(command);
    const reserved = { username: false, email: false };
    try {
      await this.reserve(
        'username',
        usernameStep.stream,
        usernameStep.events,
        userId,
        context,
        username,
      );
      reserved.username = true;
      await this.reserve('email', emailStep.stream, emailStep.events, userId, context, emailHash);
      reserved.email = true;
      const isFirstUser = await this.claimFirst(userId, context);
      const registered = userDecider.decide(
        { ...command, data: { ...command.data, isFirstUser } },
        userDecider.initialState(),
      );
      const position = await this.runner.append(
        streams.user(userId),
        registered,
        'no_stream',
        context,
      );
      return { id: userId, username, position };
    } catch (error) {
      await this.release(command, reserved, context);
      throw error;
    }
  }

  /** Refuses early when someone else holds the reservation. */
  private async check(
    kind: ReservationKind,
    stream: string,
    userId: string,
    context: CommandContext,
    key: string,
  ): Promise<void> {
    const events = await this.runner.store.readStream(stream);
    if (events.length > 0) await this.decideReservation(kind, events, userId, context, key);
  }

  /**
   * Appends the reservation expecting no stream; when the stream exists, the reservation
   * decider says whether this registration already holds it, may take over an abandoned
   * one, or must answer USERNAME_TAKEN / EMAIL_TAKEN.
   */
  private async reserve(
    kind: ReservationKind,
    stream: string,
    events: DomainEvent[],
    userId: string,
    context: CommandContext,
    key: string,
  ): Promise<void> {
    try {
      await this.runner.append(stream, events, 'no_stream', context);
      return;
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
    }
    const current = await this.runner.store.readStream(stream);
    const takeover = await this.decideReservation(kind, current, userId, context, key);
    if (takeover.length > 0) {
      await this.runner.append(stream, takeover, current.at(-1)!.revision, context);
    }
  }

  private async decideReservation(
    kind: ReservationKind,
    events: StoredEvent[],
    userId: string,
    context: CommandContext,
    key: string,
  ): Promise<DomainEvent[]> {
    const state = foldReservation(events.map(asDomainEvent));
    const holderRegistered =
      state.holder && state.holder !== userId
        ? (await this.runner.store.readStream(streams.user(state.holder), { maxCount: 1 })).length >
          0
        : undefined;
    const data = { userId, at: context.at, holderRegistered };
    return kind === 'username'
      ? usernameReservationDecider.decide(
          { type: 'ReserveUsername', data: { ...data, username: key } },
          state,
        )
      : userEmailReservationDecider.decide(
          { type: 'ReserveUserEmail', data: { ...data, emailHash: key } },
          state,
        );
  }

  private async claimFirst(userId: string, context: CommandContext): Promise<boolean> {
    const claim: FirstUserClaimed = { type: 'FirstUserClaimed', data: { userId, at: context.at } };
    try {
      await this.runner.append(streams.firstRegistration(), [claim], 'no_stream', context);
      return true;
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      return false;
    }
  }

  /** Best effort: a release that fails leaves a reservation that expires (reservation.decider.ts). */
  private async release(
    command: RegisterUser,
    reserved: { username: boolean; email: boolean },
    context: CommandContext,
  ): Promise<void> {
    for (const step of releasePlan(command, reserved)) {
      await this.runner
        .append(step.stream, step.events, step.expectedRevision, context)
        .catch(() => undefined);
    }
  }
}
