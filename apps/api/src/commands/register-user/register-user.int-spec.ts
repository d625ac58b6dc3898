import { startCommandApi, type CommandApi } from '../testing/command-api.harness';

describe('POST /api/v1/users and POST /api/v1/sessions', () => {
  let api: CommandApi;

  beforeAll(async () => {
    api = await startCommandApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  it('registers the first user as super and later ones as basic', async () => {
    const first = await api.request('POST', '/api/v1/users', {
      body: {
        username: 'Founder',
        email: 'founder@example.com',
        password: 'correct horse battery',
      },
    });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.stringMatching(/^[a-z0-9]+$/),
      username: 'Founder',
      position: expect.stringMatching(/^\d+$/),
    });
    const second = await api.request('POST', '/api/v1/users', {
      body: { username: 'second', email: 'second@example.com', password: 'correct horse battery' },
    });
    expect(second.status).toBe(201);

    const [registered] = await api.events(`user-${first.body.id}`);
    expect(registered.type).toBe('UserRegistered');
    expect(registered.data).toMatchObject({ username: 'Founder', level: 120 });
    expect(JSON.stringify(registered.data)).not.toContain('founder@example.com');
    expect((registered.data as { passwordHash: string }).passwordHash).toMatch(/^\$argon2id\$/);
    expect(registered.position.commit.toString()).toBe(first.body.position);
    const [secondEvent] = await api.events(`user-${second.body.id}`);
    expect(secondEvent.data).toMatchObject({ level: 0 });
  });

  it('signs in by username (any case) or email and answers the token', async () => {
    const byName = await api.request('POST', '/api/v1/sessions', {
      body: { login: 'founder', password: 'correct horse battery' },
    });
    expect(byName.status).toBe(200);
    expect(byName.body.user).toMatchObject({ username: 'Founder', level: 120 });
    expect(byName.body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const byEmail = await api.request('POST', '/api/v1/sessions', {
      body: { login: 'FOUNDER@example.com', password: 'correct horse battery' },
    });
    expect(byEmail.status).toBe(200);
  });
});
