/**
 * Nest glue for the actor: the guard resolves it once per request, `@CurrentActor()` hands
 * it to a controller method.
 */
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  createParamDecorator,
} from '@nestjs/common';
import type { Actor } from './actor';
import { ActorResolver } from './actor.resolver';

interface RequestWithActor {
  headers: Record<string, string | string[] | undefined>;
  ip: string;
  actor?: Actor;
}

@Injectable()
export class ActorGuard implements CanActivate {
  constructor(@Inject(ActorResolver) private readonly resolver: ActorResolver) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithActor>();
    const header = request.headers.authorization;
    request.actor = await this.resolver.resolve(
      Array.isArray(header) ? header[0] : header,
      request.ip,
    );
    return true;
  }
}

export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<RequestWithActor>().actor;
  if (!actor) throw new Error('CurrentActor used on a route without ActorGuard.');
  return actor;
});
