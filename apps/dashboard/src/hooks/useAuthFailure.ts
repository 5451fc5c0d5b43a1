/** Lets any query report an auth failure to the app, which then shows the token screen. */
import { createContext, useContext } from 'react';
import type { ApiError } from '../lib/api.js';

export const AuthFailureContext = createContext<(error: ApiError) => void>(() => undefined);

export function useAuthFailure(): (error: ApiError) => void {
  return useContext(AuthFailureContext);
}
