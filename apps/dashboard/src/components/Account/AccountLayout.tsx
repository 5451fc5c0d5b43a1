/** The frame of the account screens other than the dashboard (which draws its own header). */
import type { ReactNode } from 'react';
import type { Site } from '../../lib/api.js';
import { SiteSwitcher } from '../Layout/SiteSwitcher.js';

interface Props {
  sites: Site[];
  site: string | null;
  onSite: (id: string) => void;
  nav: ReactNode;
  children: ReactNode;
}

export function AccountLayout({ sites, site, onSite, nav, children }: Props) {
  return (
    <div className="app">
      <header className="top">
        <div className="brand">Sightline</div>
        {site && sites.length > 0 && <SiteSwitcher sites={sites} value={site} onChange={onSite} />}
        {nav}
      </header>
      <main className="account-page">{children}</main>
    </div>
  );
}
