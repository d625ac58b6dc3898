import { ActorResolver } from './actor.resolver';
import { TokenService } from './token.service';

describe('ActorResolver', () => {
  const tokens = new TokenService({ secret: 'resolver-secret-that-is-long-enough-012345' });
  const resolver = new ActorResolver(tokens, (ip) => `h(${ip})`);

  it('treats a request without Authorization as anonymous, known by its IP hash', async () => {
    await expect(resolver.resolve(undefined, '10.0.0.1')).resolves.toEqual({
      kind: 'anonymous',
      ipHash: 'h(10.0.0.1)',
    });
  });

  it('turns a valid bearer token into the registered actor', async () => {
    const token = await tokens.issue({ userId: 'abc', username: 'Bob', level: 50 });
    await expect(resolver.resolve(`Bearer ${token}`, '10.0.0.2')).resolves.toEqual({
      kind: 'user',
      userId: 'abc',
      username: 'Bob',
      level: 50,
      ipHash: 'h(10.0.0.2)',
    });
  });

  it.each(['Basic abc', 'Bearer', 'Bearer a b', 'bearer x.y.z', 'Bearer x.y.z'])(
    'refuses %j with 401',
    async (header) => {
      await expect(resolver.resolve(header, '10.0.0.3')).rejects.toMatchObject({
        kind: 'unauthenticated',
      });
    },
  );
});
