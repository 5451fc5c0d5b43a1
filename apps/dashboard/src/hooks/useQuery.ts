/**
 * Runs an API call when its key changes and keeps the last good data while the next one loads
 * (no flashing tables on a filter click). Results of superseded calls are dropped.
 */
import { useEffect, useState } from 'react';
import { ApiError, type ApiResult } from '../lib/api.js';
import { useAuthFailure } from './useAuthFailure.js';

export interface QueryState<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
}

export function useQuery<T>(key: string | null, run: () => Promise<ApiResult<T>>): QueryState<T> {
  const [state, setState] = useState<QueryState<T>>({
    data: null,
    error: null,
    loading: key !== null,
  });
  const onAuthFailure = useAuthFailure();

  useEffect(() => {
    if (key === null) return;
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    run().then(
      (res) => {
        if (!current) return;
        if (res.error?.code === 'auth') onAuthFailure(res.error);
        setState(
          res.error
            ? { data: null, error: res.error, loading: false }
            : { data: res.data, error: null, loading: false },
        );
      },
      (error: unknown) => {
        if (!current) return;
        const message = error instanceof Error ? error.message : String(error);
        setState({ data: null, error: new ApiError(message, 'request', 0), loading: false });
      },
    );
    return () => {
      current = false;
    };
    // `run` is a fresh closure each render; `key` captures everything it depends on.
  }, [key]);

  return state;
}
