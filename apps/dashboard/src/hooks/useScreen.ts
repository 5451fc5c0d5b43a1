/**
 * Which account screen is open: the site's dashboard, or its members, share links, settings, or
 * adding a site. Kept in the URL fragment (`#members`), which the view state in the query string
 * leaves alone, so Back works and a reload stays on the screen.
 */
import { useCallback, useEffect, useState } from 'react';

export const SCREENS = ['dashboard', 'members', 'sharing', 'settings', 'new-site'] as const;
export type Screen = (typeof SCREENS)[number];

function read(hash: string = window.location.hash): Screen {
  const name = hash.replace(/^#/, '');
  return (SCREENS as readonly string[]).includes(name) ? (name as Screen) : 'dashboard';
}

export function useScreen(): [Screen, (screen: Screen) => void] {
  const [screen, setScreen] = useState<Screen>(() => read());
  useEffect(() => {
    const onChange = (): void => setScreen(read());
    window.addEventListener('popstate', onChange);
    window.addEventListener('hashchange', onChange);
    return () => {
      window.removeEventListener('popstate', onChange);
      window.removeEventListener('hashchange', onChange);
    };
  }, []);
  const go = useCallback((next: Screen) => {
    const hash = next === 'dashboard' ? '' : `#${next}`;
    if (hash !== window.location.hash)
      history.pushState(null, '', `${window.location.pathname}${window.location.search}${hash}`);
    setScreen(next);
  }, []);
  return [screen, go];
}
