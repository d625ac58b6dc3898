import { startCommandApi, type CommandApi } from '../testing/command-api.harness';

describe('PUT /api/v1/users/:username/level', () => {
  let api: CommandApi;
  let root: { id: string; token: string };
  let admin: { id: string; token: string };
  let basic: { id: string; token: string };

  beforeAll(async () => {
    api = await startCommandApi();
    root = await api.user('root');
    admin = await api.user('admin');
    basic = await api.user('basic');
  });

  afterAll(async () => {
    await api?.close();
  });

  const setLevel = (token: string | undefined, username: string, level: unknown) =>
    api.request('PUT', `/api/v1/users/${username}/level`, { token, body: { level } });

  it('lets the super user make an admin, answering the new level and position', async () => {
    const response = await setLevel(root.token, 'ADMIN', 100);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id: admin.id,
      username: 'admin',
      level: 100,
      position: expect.any(String),
    });
    const [, changed] = await api.events(`user-${admin.id}`);
    expect(changed.data).toMatchObject({ level: 100, previousLevel: 0, changedBy: root.id });
  });

  it('refuses non-admins (403), anonymous callers (401), bad levels (400) and unknown users (404)', async () => {
    const before = await api.head();
    expect((await setLevel(basic.token, 'admin', 0)).status).toBe(403);
    expect((await setLevel(undefined, 'basic', 120)).status).toBe(401);
    const bad = await setLevel(root.token, 'basic', 99);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('level');
    const unknown = await setLevel(root.token, 'nobody', 10);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('USER_NOT_FOUND');
    expect((await setLevel(root.token, '../user', 10)).status).toBe(404);
    expect(await api.head()).toBe(before);
  });

  it('checks the level held now, not the one in the token', async () => {
    // The admin's token still says basic (issued before the promotion): it works anyway...
    expect((await setLevel(admin.token, 'basic', 10)).status).toBe(200);
    // ...and after a demotion, the old token no longer grants anything.
    expect((await setLevel(root.token, 'admin', 0)).status).toBe(200);
    const refused = await setLevel(admin.token, 'basic', 20);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('FORBIDDEN');
  });
});
