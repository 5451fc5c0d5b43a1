/**
 * Signing in to Sightline with Supabase Auth: a password, an e-mailed link (or its code), or a
 * new account confirmed from the e-mail (link or code). Every message Auth returns is shown as
 * text; nothing from the server is rendered as markup.
 */
import { useState, type FormEvent } from 'react';
import { redirectUrl, type Auth } from '../../lib/auth.js';
import { UserText } from '../Text/UserText.js';

type Mode = 'password' | 'link' | 'signup';
/** After a link or a sign-up was sent: the code from the same e-mail signs in here too. */
type Waiting = { email: string; type: 'email' | 'signup' } | null;

const TITLES: Record<Mode, string> = {
  password: 'Sign in to Sightline',
  link: 'Sign in with an e-mailed link',
  signup: 'Create your Sightline account',
};

export function SignInScreen({ auth, notice }: { auth: Auth; notice: string | null }) {
  const [mode, setMode] = useState<Mode>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [waiting, setWaiting] = useState<Waiting>(null);
  const [error, setError] = useState<string | null>(notice);
  const [busy, setBusy] = useState(false);

  const run = async (work: () => Promise<string | null>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      setError(await work());
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : String(cause));
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    void run(async () => {
      const address = email.trim();
      if (mode === 'password') {
        const { error } = await auth.signInWithPassword({ email: address, password });
        return error?.message ?? null;
      }
      if (mode === 'link') {
        const { error } = await auth.signInWithOtp({
          email: address,
          options: { emailRedirectTo: redirectUrl(), shouldCreateUser: true },
        });
        if (!error) setWaiting({ email: address, type: 'email' });
        return error?.message ?? null;
      }
      const { data, error } = await auth.signUp({
        email: address,
        password,
        options: { emailRedirectTo: redirectUrl() },
      });
      if (!error && !data.session) setWaiting({ email: address, type: 'signup' });
      return error?.message ?? null;
    });
  };

  const verify = (e: FormEvent): void => {
    e.preventDefault();
    if (!waiting) return;
    void run(async () => {
      const { error } = await auth.verifyOtp({
        email: waiting.email,
        token: code.trim(),
        type: waiting.type,
      });
      return error?.message ?? null;
    });
  };

  if (waiting) {
    return (
      <main className="message-screen">
        <form className="message-card" onSubmit={verify} data-testid="check-inbox">
          <h1>Check your inbox</h1>
          <p>
            We sent {waiting.type === 'signup' ? 'a confirmation' : 'a sign-in link'} to{' '}
            <strong>
              <UserText text={waiting.email} />
            </strong>
            . Open the link in this browser, or enter the code from the e-mail.
          </p>
          <label htmlFor="otp">Code</label>
          <input
            id="otp"
            inputMode="numeric"
            autoComplete="one-time-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          {error && (
            <p className="error" role="alert">
              <UserText text={error} />
            </p>
          )}
          <button type="submit" disabled={busy || !code.trim()}>
            Continue
          </button>
          <button type="button" className="link" onClick={() => setWaiting(null)}>
            Use another address
          </button>
        </form>
      </main>
    );
  }

  return (
    <main className="message-screen">
      <form className="message-card" onSubmit={submit} data-testid="sign-in" data-mode={mode}>
        <h1>{TITLES[mode]}</h1>
        <div className="tabs" role="tablist">
          {(['password', 'link', 'signup'] as const).map((m) => (
            <button
              key={m}
              type="button"
              role="tab"
              aria-selected={mode === m}
              onClick={() => setMode(m)}
            >
              {m === 'password' ? 'Password' : m === 'link' ? 'E-mail link' : 'New account'}
            </button>
          ))}
        </div>
        <label htmlFor="email">E-mail</label>
        <input
          id="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        {mode !== 'link' && (
          <>
            <label htmlFor="password">Password</label>
            <input
              id="password"
              type="password"
              autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
              required
              minLength={mode === 'signup' ? 8 : undefined}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </>
        )}
        {error && (
          <p className="error" role="alert">
            <UserText text={error} />
          </p>
        )}
        <button type="submit" disabled={busy}>
          {mode === 'password'
            ? 'Sign in'
            : mode === 'link'
              ? 'E-mail me a link'
              : 'Create account'}
        </button>
      </form>
    </main>
  );
}
