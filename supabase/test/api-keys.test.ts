// API keys of the Stats API: who may create, list and revoke them (owners and admins of the
// site only), that only their hash is stored and nobody reads the table, that only the Worker
// (secret key) can look a key up, and that the pass it then mints for the key's site reads that
// site's reports and no other's.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerAndViewer } from './support/accounts.js';
import { rpc, rpcError } from './support/rpc.js';
import { rest, startTestStack, type TestStack, type TestUser } from './support/stack.js';

let t: TestStack;
let owner: TestUser;
let viewer: TestUser;

interface CreatedKey {
  id: string;
  key: string;
  site_id: string;
  prefix: string;
}

beforeAll(async () => {
  t = await startTestStack();
  ({ owner, viewer } = await ownerAndViewer(t));
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

const range = {
  p_from: new Date(Date.now() - 86_400_000).toISOString(),
  p_to: new Date(Date.now() + 3_600_000).toISOString(),
};

describe('API keys', () => {
  it('an owner creates one: the secret once, only its SHA-256 stored', async () => {
    const created = await rpc<CreatedKey>(owner.rest, 'create_api_key', {
      p_site: 'shop',
      p_name: ' reporting ',
    });
    expect(created.key).toMatch(/^sl_key_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.key.slice(0, 12));
    const { rows } = await t.db.query<{ key_hash: Buffer; name: string }>(
      'select key_hash, name from public.site_api_keys where id = $1',
      [created.id],
    );
    expect(rows[0]?.name).toBe('reporting');
    expect(rows[0]?.key_hash.equals(createHash('sha256').update(created.key).digest())).toBe(true);
    const { rows: plain } = await t.db.query(
      "select 1 from public.site_api_keys where key_hash::text like '%' || $1 || '%'",
      [created.key],
    );
    expect(plain).toHaveLength(0);
  });

  it('a viewer, a service token and a stranger may not create, list or revoke', async () => {
    const { id } = await rpc<CreatedKey>(owner.rest, 'create_api_key', {
      p_site: 'shop',
      p_name: 'x',
    });
    const stranger = await t.user('stranger');
    const service = await t.dashboard(['shop']);
    for (const [client, detail] of [
      [viewer.rest, 'not_allowed'],
      [stranger.rest, 'not_readable'],
      [service, 'sign_in_required'],
    ] as const) {
      expect(
        (await rpcError(client, 'create_api_key', { p_site: 'shop', p_name: 'x' })).details,
      ).toBe(detail);
      expect((await rpcError(client, 'api_keys_of', { p_site: 'shop' })).details).toBe(detail);
      expect((await rpcError(client, 'revoke_api_key', { p_id: id })).details).toBe(detail);
    }
    expect(
      (await rpcError(owner.rest, 'create_api_key', { p_site: 'shop', p_name: ' ' })).details,
    ).toBe('invalid_label');
  });

  it('an admin lists and revokes; nobody but the Worker reads the table or looks a key up', async () => {
    await rpc(owner.rest, 'set_member_role', {
      p_site: 'shop',
      p_user: viewer.id,
      p_role: 'admin',
    });
    const created = await rpc<CreatedKey>(viewer.rest, 'create_api_key', {
      p_site: 'shop',
      p_name: 'ci',
    });
    const listed = await rpc<
      { id: string; name: string; prefix: string; revoked_at: string | null }[]
    >(viewer.rest, 'api_keys_of', { p_site: 'shop' });
    expect(listed.find((k) => k.id === created.id)).toMatchObject({ name: 'ci', revoked_at: null });
    expect(Object.keys(listed[0]!)).not.toContain('key_hash');

    for (const client of [owner.rest, viewer.rest, t.anon]) {
      const { data } = await client.from('site_api_keys').select('*');
      expect(data ?? []).toHaveLength(0);
      const lookup = await rpcError(client, 'api_key_site', { p_key: created.key });
      expect([401, 403, 404]).toContain(lookup.status);
    }
    const found = await rpc<{ id: string; site_id: string }[]>(t.service, 'api_key_site', {
      p_key: created.key,
    });
    expect(found).toEqual([{ id: created.id, site_id: 'shop' }]);

    await rpc(viewer.rest, 'revoke_api_key', { p_id: created.id });
    expect(await rpc(t.service, 'api_key_site', { p_key: created.key })).toEqual([]);
    expect(await rpc(t.service, 'api_key_site', { p_key: 'sl_key_made_up' })).toEqual([]);
  });

  it("the Worker's pass for a key reads its site's reports and no other's", async () => {
    const created = await rpc<CreatedKey>(owner.rest, 'create_api_key', {
      p_site: 'shop',
      p_name: 'r',
    });
    const [row] = await rpc<{ id: string; site_id: string }[]>(t.service, 'api_key_site', {
      p_key: created.key,
    });
    const pass = await t.pass({
      role: 'authenticated',
      sub: `apikey:${row!.id}`,
      site_ids: [row!.site_id],
    });
    const client = rest(t.stack, pass);
    await rpc(client, 'stats_overview', { p_site: 'shop', ...range });
    expect((await rpcError(client, 'stats_overview', { p_site: 'blog', ...range })).details).toBe(
      'not_readable',
    );
    expect(
      (await rpcError(client, 'create_api_key', { p_site: 'shop', p_name: 'x' })).details,
    ).toBe('sign_in_required');
  });

  it('deleting the site deletes its keys', async () => {
    await rpc(owner.rest, 'create_api_key', { p_site: 'blog', p_name: 'b' });
    await t.db.query("delete from public.sites where id = 'blog'");
    const { rows } = await t.db.query("select 1 from public.site_api_keys where site_id = 'blog'");
    expect(rows).toHaveLength(0);
  });
});
