/** The view state, read from and written to the query string (back/forward included). */
import { useCallback, useEffect, useState } from 'react';
import { parseViewState, serializeViewState, type ViewState } from '../lib/url-state.js';

export function useViewState(): [ViewState, (patch: Partial<ViewState>) => void] {
  const [state, setState] = useState(() => parseViewState(window.location.search));

  useEffect(() => {
    const onPop = (): void => setState(parseViewState(window.location.search));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const update = useCallback((patch: Partial<ViewState>) => {
    setState((prev) => {
      const next = { ...prev, ...patch };
      const search = serializeViewState(next);
      if (search !== window.location.search) {
        // Each change is a history entry, so Back undoes a filter click.
        history.pushState(null, '', `${window.location.pathname}${search}${window.location.hash}`);
      }
      return next;
    });
  }, []);

  return [state, update];
}
