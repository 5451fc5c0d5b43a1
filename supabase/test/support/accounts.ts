/**
 * The accounts every access test starts from, and share links as the Worker opens them: one
 * place for the setup the share-link and conversion-access tests both need.
 */
import { rpc } from './rpc.js';
import type { TestStack, TestUser } from './stack.js';

/** `owner` owns the sites "shop" and "blog"; `viewer` is a viewer of "shop" only. */
export async function ownerAndViewer(t: TestStack): Promise<{ owner: TestUser; viewer: TestUser }> {
  const [owner, viewer] = await Promise.all([t.user('owner'), t.user('viewer')]);
  for (const id of ['shop', 'blog'])
    await rpc(owner.rest, 'create_site', { p_id: id, p_name: id, p_timezone: 'UTC' });
  await rpc(owner.rest, 'invite_member', { p_site: 'shop', p_email: viewer.email });
  await rpc(viewer.rest, 'accept_invitations', {});
  return { owner, viewer };
}

export interface LinkOptions {
  password?: string;
  hidden?: string[];
  site?: string;
  expires?: string;
}

/** A link as the dashboard creates it (on "shop" unless told); returns its id and secret. */
export function createShareLink(
  owner: TestUser,
  options: LinkOptions = {},
): Promise<{ id: string; token: string }> {
  return rpc(owner.rest, 'create_share_link', {
    p_site: options.site ?? 'shop',
    p_label: 'for the board',
    p_password: options.password ?? null,
    p_hidden_reports: options.hidden ?? [],
    p_expires_at: options.expires ?? null,
  });
}

export interface OpenedLink {
  link_id: string;
  site_id: string;
  hidden_reports: string[];
}

/** What the Worker does: open the link with the secret key, then mint a pass. */
export async function sharePass(
  t: TestStack,
  token: string,
  password?: string,
): Promise<{ pass: string; link: OpenedLink }> {
  const link = await rpc<OpenedLink>(t.service, 'open_share_link', {
    p_token: token,
    p_password: password ?? null,
  });
  return { link, pass: await t.pass({ role: 'anon', share: link.link_id }) };
}
