// Saved segments: members of every role and service tokens of a site read its segments; any of
// them saves one; the member who saved it, owners, admins and service tokens change and delete
// it; strangers, share links and public pages see none. Names and filters are checked by the
// database (hostile names, injection attempts, limits), with a stable code for each refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShareLink, ownerAndViewer, sharePass } from './support/accounts.js';
import { rpc, rpcError } from './support/rpc.js';
import { rest, startTestStack, type TestStack, type TestUser } from './support/stack.js';

let t: TestStack;
let owner: TestUser;
let viewer: TestUser;
let stranger: TestUser;

interface Saved {
  id: string;
  site_id: string;
  name: string;
  filters: [string, string, string[]][];
  mine: boolean;
  can_edit: boolean;
}

const FILTERS = [
  ['is_not', 'browser', ['Firefox']],
  ['contains', 'referrer', ['google']],
  ['is', 'os', ['Windows']],
];

beforeAll(async () => {
  t = await startTestStack();
  ({ owner, viewer } = await ownerAndViewer(t));
  stranger = await t.user('stranger');
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

const save = (user: TestUser, name: string, filters: unknown = FILTERS, site = 'shop') =>
  rpc<Saved>(user.rest, 'create_segment', { p_site: site, p_name: name, p_filters: filters });

describe('saved segments', () => {
  it('an owner saves one; a viewer lists it and may not change it', async () => {
    const saved = await save(owner, '  Windows from Google ');
    expect(saved).toMatchObject({ name: 'Windows from Google', filters: FILTERS, mine: true });
    const listed = await rpc<Saved[]>(viewer.rest, 'segments_of', { p_site: 'shop' });
    expect(listed.map((s) => [s.name, s.mine, s.can_edit])).toEqual([
      ['Windows from Google', false, false],
    ]);
    // The table itself, under RLS, shows the same row.
    const { data } = await viewer.rest.from('segments').select('name');
    expect(data).toEqual([{ name: 'Windows from Google' }]);

    const rename = await rpcError(viewer.rest, 'update_segment', { p_id: saved.id, p_name: 'x' });
    expect([rename.status, rename.details]).toEqual([403, 'not_allowed']);
    expect((await rpcError(viewer.rest, 'delete_segment', { p_id: saved.id })).details).toBe(
      'not_allowed',
    );
    await rpc(owner.rest, 'delete_segment', { p_id: saved.id });
  });

  it("a viewer saves, renames, changes and deletes their own; an owner changes a viewer's", async () => {
    const mine = await save(viewer, 'Mine');
    expect(mine.can_edit).toBe(true);
    const renamed = await rpc<Saved>(viewer.rest, 'update_segment', {
      p_id: mine.id,
      p_name: 'Renamed',
    });
    expect(renamed).toMatchObject({ name: 'Renamed', filters: FILTERS });
    const changed = await rpc<Saved>(viewer.rest, 'update_segment', {
      p_id: mine.id,
      p_filters: [['is', 'country', ['DE']]],
    });
    expect(changed).toMatchObject({ name: 'Renamed', filters: [['is', 'country', ['DE']]] });
    const byOwner = await rpc<Saved>(owner.rest, 'update_segment', {
      p_id: mine.id,
      p_name: 'Tidied',
    });
    expect(byOwner).toMatchObject({ name: 'Tidied', mine: false, can_edit: true });
    await rpc(viewer.rest, 'delete_segment', { p_id: mine.id });
    expect(await rpc(owner.rest, 'segments_of', { p_site: 'shop' })).toEqual([]);
  });

  it('strangers, share links, public pages and other sites see and change nothing', async () => {
    const saved = await save(owner, 'Private');
    await save(owner, 'Blog only', FILTERS, 'blog');
    const { token } = await createShareLink(owner);
    const { pass } = await sharePass(t, token);
    const shared = rest(t.stack, pass);
    for (const client of [stranger.rest, shared, t.anon]) {
      const { data } = await client.from('segments').select('*');
      expect(data ?? []).toEqual([]);
      const listed = await client.rpc('segments_of' as never, { p_site: 'shop' } as never);
      expect((listed.data as unknown[] | null) ?? []).toEqual([]);
      const update = await rpcError(client, 'update_segment', { p_id: saved.id, p_name: 'x' });
      expect(['not_found', null]).toContain(update.details);
      expect([401, 403, 404]).toContain(update.status);
    }
    expect(
      (
        await rpcError(stranger.rest, 'create_segment', {
          p_site: 'shop',
          p_name: 'x',
          p_filters: FILTERS,
        })
      ).details,
    ).toBe('not_readable');
    // The viewer of "shop" sees none of "blog"'s.
    const blog = await rpc<Saved[]>(viewer.rest, 'segments_of', { p_site: 'blog' });
    expect(blog).toEqual([]);
    // Nobody writes the table directly; the functions are the only way in.
    const insert = await owner.rest
      .from('segments')
      .insert({ site_id: 'shop', name: 'direct', filters: [] } as never);
    expect(insert.error).not.toBeNull();
    const { rows } = await t.db.query("select 1 from public.segments where name = 'direct'");
    expect(rows).toHaveLength(0);
    await rpc(owner.rest, 'delete_segment', { p_id: saved.id });
  });

  it('a service token for the site reads and changes them; its saves belong to nobody', async () => {
    const service = await t.dashboard(['shop']);
    const saved = await rpc<Saved>(service, 'create_segment', {
      p_site: 'shop',
      p_name: 'Automated',
      p_filters: FILTERS,
    });
    expect(saved).toMatchObject({ mine: false, can_edit: true });
    const byViewer = await rpc<Saved[]>(viewer.rest, 'segments_of', { p_site: 'shop' });
    expect(byViewer.find((s) => s.id === saved.id)?.can_edit).toBe(false);
    await rpc(service, 'delete_segment', { p_id: saved.id });
    const other = await t.dashboard(['blog']);
    expect(
      (await rpcError(other, 'create_segment', { p_site: 'shop', p_name: 'x', p_filters: FILTERS }))
        .details,
    ).toBe('not_readable');
  });

  it('hostile names are stored as text or refused with invalid_label; names are unique per site', async () => {
    const markup = '<img src=x onerror=alert(1)> \u202eevil\u202c \u05e9\u05dc\u05d5\u05dd 😀';
    const saved = await save(owner, markup);
    expect(saved.name).toBe(markup);
    const { rows } = await t.db.query<{ name: string }>(
      'select name from public.segments where id = $1',
      [saved.id],
    );
    expect(rows[0]?.name).toBe(markup);
    for (const name of ['', '   ', 'a\u0007b', 'line\nbreak', 'c1\u0085', 'x'.repeat(81), null]) {
      const refused = await rpcError(owner.rest, 'create_segment', {
        p_site: 'shop',
        p_name: name,
        p_filters: FILTERS,
      });
      expect([refused.status, refused.details], JSON.stringify(name)).toEqual([
        400,
        'invalid_label',
      ]);
    }
    // U+0000 cannot reach Postgres at all: PostgREST refuses the JSON, nothing is stored.
    const nul = await rpcError(owner.rest, 'create_segment', {
      p_site: 'shop',
      p_name: 'a\u0000b',
      p_filters: FILTERS,
    });
    expect(nul.status).toBeGreaterThanOrEqual(400);
    expect(nul.status).toBeLessThan(500);
    await save(owner, 'x'.repeat(80));

    const taken = await rpcError(owner.rest, 'create_segment', {
      p_site: 'shop',
      p_name: markup.toUpperCase(),
      p_filters: FILTERS,
    });
    expect([taken.status, taken.details]).toEqual([409, 'name_taken']);
    const other = await save(owner, 'Other');
    expect(
      (await rpcError(owner.rest, 'update_segment', { p_id: other.id, p_name: 'X'.repeat(80) }))
        .details,
    ).toBe('name_taken');
    // Its own name in another case is a rename, not a clash.
    expect(
      (await rpc<Saved>(owner.rest, 'update_segment', { p_id: other.id, p_name: 'OTHER ' })).name,
    ).toBe('OTHER');
    // The same name on another site is fine.
    await save(owner, 'Other', FILTERS, 'blog');
  });

  it('filters are checked: shape, operators, dimensions, limits; injection stays data', async () => {
    const bad: unknown[] = [
      [],
      {},
      'is',
      [['is', 'country']],
      [['equals', 'country', ['DE']]],
      [['is', "country'); drop table public.segments; --", ['DE']]],
      [['is', 'country', []]],
      [['is', 'country', 'DE']],
      [['is', 'country', [1]]],
      [['is', 'country', ['x'.repeat(501)]]],
      [['is', 'country', Array.from({ length: 21 }, (_, i) => String(i))]],
      Array.from({ length: 11 }, () => ['is', 'country', ['DE']]),
    ];
    for (const filters of bad) {
      const refused = await rpcError(owner.rest, 'create_segment', {
        p_site: 'shop',
        p_name: 'bad',
        p_filters: filters,
      });
      expect([refused.status, refused.details], JSON.stringify(filters)).toEqual([
        400,
        'invalid_filters',
      ]);
    }
    const hostile = [['contains', 'page', ["'; delete from public.segments; --", '%_\\']]];
    const saved = await save(owner, 'Injection', hostile);
    expect(saved.filters).toEqual(hostile);
    const { rows } = await t.db.query<{ n: number }>(
      "select count(*)::int as n from public.segments where site_id = 'shop'",
    );
    expect(rows[0]!.n).toBeGreaterThan(1);
  });

  it('a site keeps at most 100 segments (too_many), and deleting the site deletes them', async () => {
    const { rows } = await t.db.query<{ n: number }>(
      "select count(*)::int as n from public.segments where site_id = 'blog'",
    );
    await t.db.query(
      `insert into public.segments (site_id, name, filters)
       select 'blog', 'bulk ' || i, '[]' from generate_series(1, $1::int) i`,
      [100 - rows[0]!.n],
    );
    const refused = await rpcError(owner.rest, 'create_segment', {
      p_site: 'blog',
      p_name: 'one more',
      p_filters: FILTERS,
    });
    expect(refused.details).toBe('too_many');
    await t.db.query("delete from public.sites where id = 'blog'");
    const { rows: left } = await t.db.query("select 1 from public.segments where site_id = 'blog'");
    expect(left).toHaveLength(0);
  });
});
