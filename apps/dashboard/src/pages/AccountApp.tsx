/**
 * Signed in with Supabase Auth: the person's sites and, per site, its dashboard, members, share
 * links and settings; adding a site. Sign-in links that come back from e-mails are finished here,
 * pending invitations for the confirmed address are accepted at every sign-in, and a site whose
 * access ended (removed, deleted) leaves the list with a notice.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { AccountLayout } from '../components/Account/AccountLayout.js';
import { AccountNav } from '../components/Account/AccountNav.js';
import { SignInScreen } from '../components/Auth/SignInScreen.js';
import { MessageScreen } from '../components/Errors/MessageScreen.js';
import { UserText } from '../components/Text/UserText.js';
import { AuthFailureContext } from '../hooks/useAuthFailure.js';
import { useScreen } from '../hooks/useScreen.js';
import { useViewState } from '../hooks/useViewState.js';
import { createAccountApi } from '../lib/account-api.js';
import { createApi, restClient, type MySite } from '../lib/api.js';
import { createStatsClient } from '../lib/stats-client.js';
import {
  accessToken,
  completeRedirect,
  createAuth,
  demoSignIn,
  signOut,
  type Auth,
  type Session,
} from '../lib/auth.js';
import type { DashboardConfig } from '../lib/config.js';
import { livePasses } from '../lib/passes.js';
import { AddSitePage } from './AddSitePage.js';
import { DashboardPage } from './DashboardPage.js';
import { MembersPage } from './MembersPage.js';
import { SettingsPage } from './SettingsPage.js';
import { SharingPage } from './SharingPage.js';

export function AccountApp({ config }: { config: DashboardConfig }) {
  const auth = useMemo(() => createAuth(config), [config]);
  // undefined: not known yet.
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const { data } = auth.onAuthStateChange((_event, next) => {
      if (!cancelled) setSession(next);
    });
    void (async () => {
      const problem = await completeRedirect(auth);
      if (problem) setNotice(problem);
      else if (!(await auth.getSession()).data.session) await demoSignIn(auth, config);
      const current = (await auth.getSession()).data.session;
      if (!cancelled) setSession(current);
    })();
    return () => {
      cancelled = true;
      data.subscription.unsubscribe();
    };
  }, [auth, config]);

  if (session === undefined) return <div className="boot">Loading…</div>;
  if (!session) return <SignInScreen auth={auth} notice={notice} />;
  return (
    <SignedIn key={session.user.id} auth={auth} config={config} email={session.user.email ?? ''} />
  );
}

interface SignedInProps {
  auth: Auth;
  config: DashboardConfig;
  email: string;
}

function SignedIn({ auth, config, email }: SignedInProps) {
  const db = useMemo(
    () => restClient(config.supabaseUrl, config.publishableKey, () => accessToken(auth)),
    [auth, config],
  );
  const api = useMemo(
    () =>
      createApi(
        db,
        createStatsClient(config.ingestUrl, () => accessToken(auth)),
      ),
    [db, config.ingestUrl, auth],
  );
  const account = useMemo(
    () => createAccountApi(db, config.ingestUrl, () => accessToken(auth)),
    [db, auth, config],
  );
  const [sites, setSites] = useState<MySite[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const viewState = useViewState();
  const [view, setView] = viewState;
  const [screen, go] = useScreen();

  const reload = useCallback(async (): Promise<MySite[] | null> => {
    const res = await account.mySites();
    if (res.error) {
      setLoadError(res.error.message);
      return null;
    }
    setLoadError(null);
    setSites(res.data);
    return res.data;
  }, [account]);

  useEffect(() => {
    void account.acceptInvitations().then(() => reload());
  }, [account, reload]);

  // A site whose access ended (the Worker refused a pass, a report was refused): read the list
  // again; if the site is gone from it, say so.
  const lost = useCallback(
    (site: string) => {
      void reload().then((now) => {
        if (now && !now.some((s) => s.id === site))
          setNotice(`Your access to "${site}" has ended.`);
      });
    },
    [reload],
  );
  const passesFor = useCallback(
    (site: string) => {
      const keeper = livePasses(config.ingestUrl, () => accessToken(auth), site);
      keeper.onEnded(() => lost(site));
      return keeper;
    },
    [config.ingestUrl, auth, lost],
  );

  if (loadError && !sites)
    return (
      <MessageScreen
        title="Cannot reach the Sightline database"
        action={{ label: 'Retry', onClick: () => window.location.reload() }}
      >
        <p>{loadError}</p>
      </MessageScreen>
    );
  if (!sites) return <div className="boot">Loading sites…</div>;

  const site = sites.find((s) => s.id === view.site) ?? sites[0] ?? null;
  const effective = sites.length === 0 ? 'new-site' : screen;
  const nav = (
    <AccountNav
      screen={effective}
      role={site?.role ?? ''}
      email={email}
      onScreen={go}
      onSignOut={() => void signOut(auth)}
    />
  );
  const banner = notice && (
    <p className="notice" role="status" data-testid="account-notice">
      <UserText text={notice} max={300} />{' '}
      <button type="button" className="link" onClick={() => setNotice(null)}>
        Dismiss
      </button>
    </p>
  );

  if (effective === 'dashboard' && site) {
    return (
      <AuthFailureContext.Provider value={() => lost(site.id)}>
        {banner}
        <DashboardPage
          api={api}
          config={config}
          passesFor={passesFor}
          sites={sites}
          nav={nav}
          viewState={viewState}
          canEditConversions={site.role === 'owner' || site.role === 'admin'}
          savedSegments
        />
      </AuthFailureContext.Provider>
    );
  }

  const onSite = (id: string): void => setView({ site: id, filters: [] });
  return (
    <AccountLayout sites={sites} site={site?.id ?? null} onSite={onSite} nav={nav}>
      {banner}
      {effective === 'new-site' || !site ? (
        <AddSitePage
          account={account}
          api={api}
          config={config}
          passesFor={passesFor}
          first={sites.length === 0}
          onCreated={() => {
            // The first site ends the forced "add a site" screen: stay on it for the snippet.
            if (screen !== 'new-site') go('new-site');
            void reload();
          }}
          onOpen={(id) => {
            setView({ site: id, filters: [] });
            go('dashboard');
          }}
        />
      ) : effective === 'members' ? (
        <MembersPage
          account={account}
          site={site.id}
          role={site.role}
          onLeft={() => void reload().then(() => go('dashboard'))}
        />
      ) : effective === 'sharing' ? (
        <SharingPage account={account} site={site.id} />
      ) : (
        <SettingsPage
          account={account}
          site={site}
          ingestUrl={config.ingestUrl}
          onChanged={() => void reload()}
          onDeleted={() =>
            void reload().then(() => {
              setNotice(`"${site.name}" and its data were deleted.`);
              setView({ site: null, filters: [] });
              go('dashboard');
            })
          }
        />
      )}
    </AccountLayout>
  );
}
