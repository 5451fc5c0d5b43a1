/**
 * Loads a list for an account screen and reloads it on demand (after an invitation, a removal,
 * a new link): `{ data, error, reload }`. Results of superseded loads are dropped.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ApiError, ApiResult } from '../lib/api.js';

export function useLoad<T>(
  key: string,
  load: () => Promise<ApiResult<T>>,
): { data: T | null; error: ApiError | null; reload: () => void } {
  const [state, setState] = useState<{ data: T | null; error: ApiError | null }>({
    data: null,
    error: null,
  });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    void load().then((res) => {
      if (current) setState({ data: res.data, error: res.error });
    });
    return () => {
      current = false;
    };
    // `load` is a fresh closure each render; `key` and `round` capture what it depends on.
  }, [key, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { ...state, reload };
}
