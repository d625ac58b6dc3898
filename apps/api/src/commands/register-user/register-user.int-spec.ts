import { startCommandApi, type CommandApi } from '../testing/command-api.harness';

const register = (api: CommandApi, body: unknown, headers?: Record<string, string>) =>
  api.request('POST', '/api/v1/users', { body, headers });

describe('POST /api/v1/users', () => {
  let api: CommandApi;

  beforeAll(async () => {
    api = await startCommandApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  it('registers the first user as super and later ones as basic, storing no clear email', async () => {
    const first = await register(api, {
      username: 'Founder',
      email: 'founder@example.com',
      password: 'correct horse battery',
    });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.stringMatching(/^[a-z0-9]+$/),
      username: 'Founder',
      position: expect.stringMatching(/^\d+$/),
    });
    const second = await register(api, {
      username: 'second',
      email: 'second@example.com',
      password: 'correct horse battery',
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

  it('refuses a taken username, case-insensitively, with 409 USERNAME_TAKEN', async () => {
    const before = await api.head();
    const taken = await register(api, {
      username: 'FOUNDER',
      email: 'other@example.com',
      password: 'correct horse battery',
    });
    expect(taken.status).toBe(409);
    expect(taken.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(taken.body).toMatchObject({ status: 409, code: 'USERNAME_TAKEN' });
    expect(await api.head()).toBe(before);
  });

  it('refuses a registered email, whatever its case, with 409 EMAIL_TAKEN and keeps the name free', async () => {
    const taken = await register(api, {
      username: 'newcomer',
      email: ' Founder@EXAMPLE.com ',
      password: 'correct horse battery',
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('EMAIL_TAKEN');
    const later = await register(api, {
      username: 'newcomer',
      email: 'newcomer@example.com',
      password: 'correct horse battery',
    });
    expect(later.status).toBe(201);
  });

  it('lists every bad field in one 400 and stores nothing', async () => {
    const before = await api.head();
    const bad = await register(api, { username: 'x', email: 'not-an-email', password: 'short' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'email',
      'password',
      'username',
    ]);
    const missing = await register(api, {});
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toHaveLength(3);
    expect(await api.head()).toBe(before);
  });

  it.each([
    ['fullwidth letters', 'ａｄｍｉｎ'],
    ['a zero-width space', 'adm\u200bin'],
    ['a right-to-left override', 'adm\u202ein'],
    ['a combining accent', 'admi\u0301n'],
    ['an emoji', 'admin😀'],
    ['a NUL', 'adm\u0000in'],
    ['a Cyrillic look-alike', 'аdmin'],
    ['a lone surrogate', 'adm\ud800in'],
  ])('refuses a username with %s', async (_, username) => {
    const before = await api.head();
    const response = await register(api, {
      username,
      email: `u${Math.random().toString(36).slice(2)}@example.com`,
      password: 'correct horse battery',
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'username', message: expect.any(String) }]);
    expect(await api.head()).toBe(before);
  });

  it('creates one user when the same registration races itself', async () => {
    const body = {
      username: 'racer',
      email: 'racer@example.com',
      password: 'correct horse battery',
    };
    const results = await Promise.all([
      register(api, body),
      register(api, body),
      register(api, body),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(2);
    const winner = results.find((r) => r.status === 201)!;
    const reservation = await api.events('username-racer');
    expect(reservation.filter((e) => e.type === 'UsernameReserved')).toHaveLength(1);
    expect(reservation.at(-1)!.data).toMatchObject({ userId: winner.body.id });
    expect(await api.events(`user-${winner.body.id}`)).toHaveLength(1);
  });

  it('answers a replayed Idempotency-Key with the same user and appends nothing', async () => {
    const key = 'b3c4a1d2-0e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const body = {
      username: 'careful',
      email: 'careful@example.com',
      password: 'correct horse battery',
    };
    const first = await register(api, body, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const head = await api.head();
    const again = await register(api, body, { 'idempotency-key': key });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await api.head()).toBe(head);
    expect(await api.events(`user-${first.body.id}`)).toHaveLength(1);
  });

  it('refuses a malformed Idempotency-Key', async () => {
    const response = await register(
      api,
      { username: 'keyed', email: 'keyed@example.com', password: 'correct horse battery' },
      { 'idempotency-key': 'x'.repeat(500) },
    );
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('Idempotency-Key');
  });
});

describe('POST /api/v1/sessions', () => {
  let api: CommandApi;

  beforeAll(async () => {
    api = await startCommandApi();
    await register(api, {
      username: 'Alice',
      email: 'alice@example.com',
      password: 'correct horse battery',
    });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('signs in by username (any case) or email and answers a token and the user', async () => {
    const byName = await api.request('POST', '/api/v1/sessions', {
      body: { login: 'alice', password: 'correct horse battery' },
    });
    expect(byName.status).toBe(200);
    expect(byName.body).toEqual({
      token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      user: { id: expect.any(String), username: 'Alice', level: 120 },
    });
    const byEmail = await api.request('POST', '/api/v1/sessions', {
      body: { login: 'ALICE@example.com', password: 'correct horse battery' },
    });
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.user.id).toBe(byName.body.user.id);
  });

  it.each([
    ['a wrong password', { login: 'alice', password: 'wrong horse battery' }],
    ['an unknown username', { login: 'nobody', password: 'correct horse battery' }],
    ['an unknown email', { login: 'nobody@example.com', password: 'correct horse battery' }],
    [
      'a login that cannot be a username',
      { login: '../../etc', password: 'correct horse battery' },
    ],
  ])('answers 401 UNAUTHENTICATED for %s', async (_, body) => {
    const response = await api.request('POST', '/api/v1/sessions', { body });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('UNAUTHENTICATED');
  });

  it('answers 400 for missing or mistyped fields', async () => {
    const response = await api.request('POST', '/api/v1/sessions', { body: { login: 42 } });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'login',
      'password',
    ]);
  });
});
