/**
 * POST /v1/sites/:id/invitations `{ "email", "role"?, "redirectTo"? }` with a member's bearer
 * token: records the invitation as that member (public.invite_member decides whether they may)
 * and has Auth e-mail it (lib/invite-mail.ts); `redirectTo` is where its link lands (the
 * dashboard), honoured when it is one of the project's Auth redirect URLs. A saved invitation
 * whose e-mail fails is reported (502/429) and may be sent again with the same request.
 */
import { Hono } from 'hono';
import { SiteId } from '@sightline/schema';
import type { AppEnv } from '../env.js';
import { fromPostgrest, type PostgrestFailure } from '../lib/db-errors.js';
import { IngestError } from '../lib/errors.js';
import { sendInvitation } from '../lib/invite-mail.js';
import { jsonBody, stringField } from '../lib/json-body.js';
import { asCaller } from '../lib/supabase.js';
import { bearerToken, userIdOf, verifyToken } from '../lib/tokens.js';

export const invitations = new Hono<AppEnv>();

interface Invitation {
  id: string;
  site_id: string;
  email: string;
  role: string;
  site_name: string;
}

invitations.post('/:id/invitations', async (c) => {
  const site = c.req.param('id');
  const token = bearerToken(c.req.raw) ?? '';
  const claims = await verifyToken(c.env, token);
  if (!userIdOf(claims)) throw new IngestError(403, 'sign_in_required', 'sign in to invite people');
  if (!SiteId.safeParse(site).success) throw new IngestError(404, 'not_readable', 'no such site');
  const body = await jsonBody(c.req.raw);
  const email = stringField(body, 'email', 320);
  if (!email) throw new IngestError(400, 'invalid_email', 'email is required');
  const role = stringField(body, 'role', 10) ?? 'viewer';
  const redirectTo = stringField(body, 'redirectTo', 2_000);
  const result: { data: unknown; error: PostgrestFailure | null } = await asCaller(
    c.env,
    token,
  ).rpc('invite_member', { p_site: site, p_email: email, p_role: role });
  if (result.error) throw fromPostgrest(result.error);
  const invitation = result.data as Invitation;
  const mail = await sendInvitation(c.env, invitation.email, redirectTo, {
    sightline_site: invitation.site_id,
  });
  return c.json({ invitation, mail }, 201);
});
