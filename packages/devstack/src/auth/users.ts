import bcrypt from 'bcryptjs';
import type pg from 'pg';
import { badRequest, AuthApiError } from './errors.js';

export type Db = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** The columns of auth.users the devstack's Auth reads. */
export interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  encrypted_password: string | null;
  email_confirmed_at: Date | null;
  invited_at: Date | null;
  confirmation_token: string | null;
  confirmation_sent_at: Date | null;
  recovery_token: string | null;
  recovery_sent_at: Date | null;
  email_change_token_new: string | null;
  email_change_token_current: string | null;
  email_change: string | null;
  email_change_sent_at: Date | null;
  email_change_confirm_status: number | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  phone: string | null;
  phone_confirmed_at: Date | null;
  confirmed_at: Date | null;
  banned_until: Date | null;
  created_at: Date;
  updated_at: Date;
  is_anonymous: boolean;
}

interface IdentityRow {
  id: string;
  provider_id: string;
  user_id: string;
  identity_data: Record<string, unknown>;
  provider: string;
  last_sign_in_at: Date | null;
  created_at: Date;
  updated_at: Date;
  email: string | null;
}

const USER_COLUMNS = `id, aud, role, email, encrypted_password, email_confirmed_at, invited_at,
  confirmation_token, confirmation_sent_at, recovery_token, recovery_sent_at, email_change_token_new,
  email_change_token_current, email_change, email_change_sent_at, email_change_confirm_status,
  last_sign_in_at, raw_app_meta_data, raw_user_meta_data, phone, phone_confirmed_at, confirmed_at,
  banned_until, created_at, updated_at, is_anonymous`;

/** GoTrue's bcrypt cost. */
const BCRYPT_COST = 10;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

/** Accepts GoTrue's and pgcrypto's bcrypt hashes (`$2a$`, `$2b$`), so SQL seeds work too. */
export async function passwordMatches(user: UserRow, password: string): Promise<boolean> {
  if (!user.encrypted_password?.startsWith('$2')) return false;
  return bcrypt.compare(password, user.encrypted_password);
}

/** E-mail addresses as GoTrue accepts them: one `@`, no spaces, at most 255 characters, lowercased. */
export function normaliseEmail(value: unknown): string {
  if (typeof value !== 'string' || value === '')
    throw badRequest('validation_failed', 'An email address is required');
  if (value.length > 255) throw badRequest('validation_failed', 'An email address is too long');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value))
    throw badRequest('validation_failed', `Unable to validate email address: invalid format`);
  return value.toLowerCase();
}

export function checkPassword(password: unknown, minimum: number): string {
  if (typeof password !== 'string' || password.length < minimum)
    throw new AuthApiError(
      422,
      'weak_password',
      `Password should be at least ${minimum} characters.`,
      {
        weak_password: { reasons: ['length'] },
      },
    );
  // bcrypt reads only the first 72 bytes; GoTrue refuses longer passwords for that reason.
  if (Buffer.byteLength(password) > 72)
    throw badRequest('validation_failed', 'Password cannot be longer than 72 characters');
  return password;
}

export async function findUserByEmail(
  db: Db,
  email: string,
  lock = false,
): Promise<UserRow | undefined> {
  const { rows } = await db.query<UserRow>(
    `select ${USER_COLUMNS} from auth.users where lower(email) = lower($1) and deleted_at is null
     order by created_at limit 1${lock ? ' for update' : ''}`,
    [email],
  );
  return rows[0];
}

export async function findUserById(db: Db, id: string, lock = false): Promise<UserRow | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.query<UserRow>(
    `select ${USER_COLUMNS} from auth.users where id = $1 and deleted_at is null${lock ? ' for update' : ''}`,
    [id],
  );
  return rows[0];
}

export async function reloadUser(db: Db, id: string): Promise<UserRow> {
  const user = await findUserById(db, id);
  if (!user) throw new AuthApiError(404, 'user_not_found', 'User not found');
  return user;
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

export function isConfirmed(user: UserRow): boolean {
  return user.email_confirmed_at !== null || user.phone_confirmed_at !== null;
}

export function isBanned(user: UserRow): boolean {
  return user.banned_until !== null && user.banned_until.getTime() > Date.now();
}

export interface NewUser {
  email: string;
  password: string | null;
  userMetadata: Record<string, unknown>;
  appMetadata?: Record<string, unknown>;
  confirmed: boolean;
  invited?: boolean;
  role?: string;
}

/** Inserts a user and its `email` identity, as GoTrue's sign-up does. */
export async function createUser(db: Db, input: NewUser): Promise<UserRow> {
  const hash = input.password === null ? null : await hashPassword(input.password);
  const inserted = db.query<UserRow>(
    `insert into auth.users (instance_id, aud, role, email, encrypted_password, email_confirmed_at,
       invited_at, raw_app_meta_data, raw_user_meta_data, confirmation_token, recovery_token,
       email_change_token_new, email_change)
     values ('00000000-0000-0000-0000-000000000000', 'authenticated', $1, $2, $3,
       case when $4 then now() end, case when $5 then now() end, $6, $7, '', '', '', '')
     returning ${USER_COLUMNS}`,
    [
      input.role ?? 'authenticated',
      input.email,
      hash,
      input.confirmed,
      input.invited === true,
      JSON.stringify({ provider: 'email', providers: ['email'], ...input.appMetadata }),
      JSON.stringify(input.userMetadata),
    ],
  );
  // Two sign-ups of one address at once: the second loses on the unique e-mail, as a duplicate.
  const { rows } = await inserted.catch((error: unknown) => {
    if ((error as { code?: string }).code === '23505')
      throw new AuthApiError(
        422,
        'email_exists',
        'A user with this email address has already been registered',
        {},
        { cause: error },
      );
    throw error;
  });
  const user = rows[0]!;
  await db.query(
    `insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at)
     values ($1::text, $1::uuid, $2, 'email', now())`,
    [
      user.id,
      JSON.stringify({
        ...input.userMetadata,
        sub: user.id,
        email: user.email,
        email_verified: input.confirmed,
        phone_verified: false,
      }),
    ],
  );
  return user;
}

export async function confirmEmail(db: Db, userId: string): Promise<void> {
  await db.query(
    `update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()),
       confirmation_token = '', updated_at = now() where id = $1`,
    [userId],
  );
  await db.query(
    `update auth.identities set identity_data = identity_data || '{"email_verified": true}'
     where user_id = $1 and provider = 'email'`,
    [userId],
  );
}

/** GoTrue merges `data` into user metadata; a null value removes the key. */
export function mergeMetadata(
  current: Record<string, unknown> | null,
  update: Record<string, unknown>,
): Record<string, unknown> {
  const merged = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

const iso = (date: Date | null): string | undefined => date?.toISOString();

/** A user as GoTrue's JSON shows one (`omitempty` fields left out when unset). */
export async function userJson(db: Db, user: UserRow): Promise<Record<string, unknown>> {
  const { rows } = await db.query<IdentityRow>(
    `select id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at, email
     from auth.identities where user_id = $1 order by created_at`,
    [user.id],
  );
  const json: Record<string, unknown> = {
    id: user.id,
    aud: user.aud ?? 'authenticated',
    role: user.role ?? 'authenticated',
    email: user.email ?? '',
    email_confirmed_at: iso(user.email_confirmed_at),
    invited_at: iso(user.invited_at),
    phone: user.phone ?? '',
    phone_confirmed_at: iso(user.phone_confirmed_at),
    confirmation_sent_at: iso(user.confirmation_sent_at),
    confirmed_at: iso(user.confirmed_at),
    recovery_sent_at: iso(user.recovery_sent_at),
    new_email: user.email_change || undefined,
    email_change_sent_at: iso(user.email_change_sent_at),
    last_sign_in_at: iso(user.last_sign_in_at),
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    identities: rows.map((identity) => ({
      identity_id: identity.id,
      id: identity.provider_id,
      user_id: identity.user_id,
      identity_data: identity.identity_data,
      provider: identity.provider,
      last_sign_in_at: iso(identity.last_sign_in_at),
      created_at: identity.created_at.toISOString(),
      updated_at: identity.updated_at.toISOString(),
      email: identity.email ?? undefined,
    })),
    created_at: user.created_at.toISOString(),
    updated_at: user.updated_at.toISOString(),
    banned_until: iso(user.banned_until),
    is_anonymous: user.is_anonymous,
  };
  for (const key of Object.keys(json)) if (json[key] === undefined) delete json[key];
  return json;
}
