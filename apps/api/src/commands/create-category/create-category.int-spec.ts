import { startCommandApi, type CommandApi } from '../testing/command-api.harness';

describe('POST /api/v1/categories', () => {
  let api: CommandApi;
  let root: { id: string; token: string };
  let basic: { id: string; token: string };

  beforeAll(async () => {
    api = await startCommandApi();
    root = await api.user('root');
    basic = await api.user('basic');
  });

  afterAll(async () => {
    await api?.close();
  });

  it('creates categories with derived slugs, nested up to 4 levels', async () => {
    const top = await api.request('POST', '/api/v1/categories', {
      token: root.token,
      body: { name: 'Écoles & Lycées', description: 'Schools' },
    });
    expect(top.status).toBe(201);
    expect(top.body).toEqual({
      id: expect.any(String),
      slug: 'ecoles-lycees',
      position: expect.any(String),
    });
    let parentId = top.body.id as string;
    const path = [parentId];
    for (const name of ['Two', 'Three', 'Four']) {
      const child = await api.request('POST', '/api/v1/categories', {
        token: root.token,
        body: { name, parentId, slug: `level-${name.toLowerCase()}` },
      });
      expect(child.status).toBe(201);
      parentId = child.body.id;
      path.push(parentId);
    }
    const [created] = await api.events(`category-${parentId}`);
    expect(created.data).toMatchObject({ slug: 'level-four', path });
    const tooDeep = await api.request('POST', '/api/v1/categories', {
      token: root.token,
      body: { name: 'Five', parentId },
    });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.code).toBe('CATEGORY_TOO_DEEP');
  });

  it('refuses categories from non-admins, unknown parents and bad fields', async () => {
    const byBasic = await api.request('POST', '/api/v1/categories', {
      token: basic.token,
      body: { name: 'Mine' },
    });
    expect(byBasic.status).toBe(403);
    const anonymous = await api.request('POST', '/api/v1/categories', { body: { name: 'Mine' } });
    expect(anonymous.status).toBe(401);
    const orphan = await api.request('POST', '/api/v1/categories', {
      token: root.token,
      body: { name: 'Orphan', parentId: 'nosuchparent' },
    });
    expect(orphan.status).toBe(404);
    expect(orphan.body.code).toBe('CATEGORY_NOT_FOUND');
    const bad = await api.request('POST', '/api/v1/categories', {
      token: root.token,
      body: { name: '', slug: 'Not A Slug', description: 5 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'description',
      'name',
      'slug',
    ]);
  });
});
