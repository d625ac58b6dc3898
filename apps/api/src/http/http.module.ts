/** The HTTP basics every deployment has (health), plus the mailbox page when embedded. */
import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DevMailController, MAILBOX_DIR } from './dev-mail.controller';
import { HealthController } from './health.controller';

@Module({})
export class HttpBasicsModule {
  static register(options: { mailboxDir?: string }): DynamicModule {
    const mailbox = options.mailboxDir !== undefined;
    return {
      module: HttpBasicsModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: mailbox ? [HealthController, DevMailController] : [HealthController],
      providers: mailbox ? [{ provide: MAILBOX_DIR, useValue: options.mailboxDir }] : [],
    };
  }
}
