/**
 * User tokens for tests, signed by the stack itself (`stack.signToken`: the devstack's Auth
 * signing key, or its legacy JWT secret), so no test holds a signing secret of its own.
 */

/** What `userToken` needs of a stack: `Devstack` has both. */
export interface TokenSigner {
  /** The Auth URL: the `iss` of the tokens Auth issues. */
  authUrl: string;
  signToken(
    claims: Record<string, unknown>,
    options?: { exp?: number; expiresIn?: number; algorithm?: 'ES256' | 'HS256' },
  ): Promise<string>;
}

/**
 * A signed-in user's access token as the stack's Auth issues it (role and audience
 * `authenticated`, the stack's issuer), with `claims` added or overriding. ES256 unless
 * `options.algorithm` is `HS256` (the legacy secret, as `sightline token` signs dashboard
 * tokens); expires in an hour unless `options` says otherwise (`exp` may be in the past).
 *
 * @example
 * const token = await userToken(stack, { site_ids: ['shop'] });
 * const expired = await userToken(stack, {}, { exp: Math.floor(Date.now() / 1000) - 60 });
 */
export function userToken(
  stack: TokenSigner,
  claims: Record<string, unknown> = {},
  options: Parameters<TokenSigner['signToken']>[1] = {},
): Promise<string> {
  return stack.signToken(
    { role: 'authenticated', aud: 'authenticated', iss: stack.authUrl, ...claims },
    options,
  );
}
