/**
 * What every feature module of the API that writes or authenticates shares: one event store
 * connection, the command shell over it, the personal-data vault, and who the caller is.
 * Commands and audit both import it, so the API holds one EventStoreDB client, closed once.
 */
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { PersonalDataVault, RUNTIME } from '@qa/common';
import type { Runtime } from '@qa/config';
import { EventStoreDbAdapter, type EventStore } from '@qa/event-store';
import { ActorGuard } from '../auth/actor.guard';
import { ActorResolver } from '../auth/actor.resolver';
import { TokenService } from '../auth/token.service';
import { UserDirectory } from '../auth/user.directory';
import { CommandRunner } from '../command-bus/command-runner';
import { EVENT_STORE } from '../commands/shared/tokens';

class EventStoreShutdown implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

const shared = [
  {
    provide: EVENT_STORE,
    inject: [RUNTIME],
    useFactory: (runtime: Runtime): EventStore => new EventStoreDbAdapter(runtime.eventStoreUrl),
  },
  {
    provide: CommandRunner,
    inject: [EVENT_STORE],
    useFactory: (store: EventStore) => new CommandRunner(store),
  },
  {
    provide: TokenService,
    inject: [RUNTIME],
    useFactory: (runtime: Runtime) => new TokenService({ secret: runtime.secrets.jwtSecret }),
  },
  {
    provide: PersonalDataVault,
    inject: [EVENT_STORE, RUNTIME],
    useFactory: (store: EventStore, runtime: Runtime) =>
      new PersonalDataVault(store, { hashKey: runtime.secrets.hashKey }),
  },
  {
    provide: ActorResolver,
    inject: [TokenService, PersonalDataVault],
    useFactory: (tokens: TokenService, vault: PersonalDataVault) =>
      new ActorResolver(tokens, (ip) => vault.hashIp(ip)),
  },
  {
    provide: UserDirectory,
    inject: [EVENT_STORE],
    useFactory: (store: EventStore) => new UserDirectory(store),
  },
  ActorGuard,
];

@Module({
  providers: [...shared, EventStoreShutdown],
  exports: shared.map((p) => ('provide' in p ? p.provide : p)),
})
export class CoreModule {}
