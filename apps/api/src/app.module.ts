/**
 * The API's root module. Feature modules (commands and queries, one folder per use case)
 * are listed in FEATURE_MODULES: adding one is one import line and one entry. They can
 * inject RUNTIME and the shared clients (EVENTSTORE_CLIENT, MONGO_DB, ...) from @qa/common.
 */
import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { ClientsModule } from '@qa/common';
import type { Runtime } from '@qa/config';
import { CommandsModule } from './commands/commands.module';
import { AuditModule } from './audit/audit.module';
import { HttpBasicsModule } from './http/http.module';
import { NotificationsModule } from './notifications/notifications.module';
import { QueriesModule } from './queries/queries.module';

const FEATURE_MODULES: Array<Type | DynamicModule> = [
  CommandsModule,
  NotificationsModule,
  QueriesModule,
  AuditModule,
];

@Module({})
export class AppModule {
  static forRuntime(runtime: Runtime, extra: Array<Type | DynamicModule> = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ClientsModule.forRuntime(runtime),
        HttpBasicsModule.register({ mailboxDir: runtime.mailboxDir }),
        ...FEATURE_MODULES,
        ...extra,
      ],
    };
  }
}
