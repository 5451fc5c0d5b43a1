/** The account's navigation beside the site switcher: the site's screens, adding a site, the user. */
import type { Screen } from '../../hooks/useScreen.js';
import { UserText } from '../Text/UserText.js';

interface Props {
  screen: Screen;
  /** The signed-in user's role on the current site. */
  role: string;
  email: string;
  onScreen: (screen: Screen) => void;
  onSignOut: () => void;
}

const TABS: { screen: Screen; label: string; minRole: number }[] = [
  { screen: 'dashboard', label: 'Dashboard', minRole: 0 },
  { screen: 'members', label: 'Members', minRole: 1 },
  { screen: 'sharing', label: 'Sharing', minRole: 2 },
  { screen: 'settings', label: 'Settings', minRole: 2 },
];

export const roleRank = (role: string): number => ({ owner: 3, admin: 2, viewer: 1 })[role] ?? 0;

export function AccountNav({ screen, role, email, onScreen, onSignOut }: Props) {
  return (
    <>
      <nav className="account-nav" aria-label="Site">
        {TABS.filter((t) => roleRank(role) >= t.minRole).map((t) => (
          <button
            key={t.screen}
            type="button"
            className="link"
            aria-current={screen === t.screen ? 'page' : undefined}
            onClick={() => onScreen(t.screen)}
          >
            {t.label}
          </button>
        ))}
        <button
          type="button"
          className="link"
          aria-current={screen === 'new-site' ? 'page' : undefined}
          onClick={() => onScreen('new-site')}
        >
          + Add site
        </button>
      </nav>
      <span className="account-user" data-testid="account-email">
        <UserText text={email} max={40} />
      </span>
      <button type="button" className="link" onClick={onSignOut}>
        Sign out
      </button>
    </>
  );
}
