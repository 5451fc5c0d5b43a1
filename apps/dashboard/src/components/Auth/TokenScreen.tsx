/**
 * A service token that cannot open the dashboard, and why (expired, not a token, rejected, no
 * sites): paste another, or sign in with an account instead. Service tokens come from
 * `pnpm sightline token --site <id>`; people sign in with Supabase Auth.
 */
import { useState, type FormEvent } from 'react';

export type TokenReason = 'missing' | 'expired' | 'malformed' | 'rejected' | 'no-sites';

const REASONS: Record<TokenReason, { title: string; text: string }> = {
  missing: { title: 'Open with a service token', text: 'Paste a service token to open its sites.' },
  expired: {
    title: 'Your token has expired',
    text: 'Ask for a new dashboard token and paste it below.',
  },
  malformed: {
    title: 'That is not a dashboard token',
    text: 'A token is a long string with two dots in it.',
  },
  rejected: {
    title: 'This token was not accepted',
    text: 'The server rejected it: it may be expired, revoked or meant for another deployment.',
  },
  'no-sites': {
    title: 'No sites for this token',
    text: 'The token is valid but grants access to no site.',
  },
};

export function TokenScreen({
  reason,
  onSubmit,
}: {
  reason: TokenReason;
  onSubmit: (token: string) => void;
}) {
  const [value, setValue] = useState('');
  const { title, text } = REASONS[reason];
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (value.trim()) onSubmit(value.trim());
  };
  return (
    <main className="message-screen">
      <form
        className="message-card"
        onSubmit={submit}
        data-testid="token-screen"
        data-reason={reason}
      >
        <h1>{title}</h1>
        <p>{text}</p>
        <label htmlFor="token">Service token</label>
        <textarea
          id="token"
          rows={3}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          spellCheck={false}
          autoComplete="off"
        />
        <p className="hint">
          Create one with <code>pnpm sightline token --site &lt;id&gt;</code>.
        </p>
        <button type="submit">Open dashboard</button>
        <button type="button" className="link" onClick={() => onSubmit('')}>
          Sign in with an account instead
        </button>
      </form>
    </main>
  );
}
