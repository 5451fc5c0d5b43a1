/**
 * The live layer for one site: the initial state from `live_visitors`, then the SiteLive Durable
 * Object's broadcasts on `site:<id>` (pushed, not polled), plus `visitors` row changes for detail
 * (members only: row-level security sends a share link's pass none). The Worker pushes only while
 * someone watches the site: the view renews its pass every `renewMs` while open (the renewal is
 * the watch signal, lib/passes.ts) and applies the full snapshot each renewal answers.
 * realtime-js rejoins by itself after a drop; we only surface its state.
 */
import { RealtimeClient, REALTIME_SUBSCRIBE_STATES } from '@supabase/realtime-js';
import { LIVE_EVENT, liveTopic } from '@sightline/schema/live';
import { useEffect, useReducer, useState } from 'react';
import type { Api } from '../lib/api.js';
import { WATCH_RENEW_MS, type PassKeeper } from '../lib/passes.js';
import {
  applyLiveMessage,
  applyVisitorRow,
  emptyLiveState,
  isLiveMessage,
  mergeSnapshot,
  type LiveState,
} from '../lib/live-state.js';
import type { LiveVisitorRow } from '../lib/api.js';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** How far back `live_visitors` looks for the first paint (the Worker's live window). */
const LIVE_WINDOW_SECONDS = 300;

type Action =
  | { type: 'reset' }
  | { type: 'snapshot'; rows: LiveVisitorRow[] }
  | { type: 'message'; payload: unknown }
  | { type: 'row'; row: Record<string, unknown> };

function reducer(state: LiveState, action: Action): LiveState {
  switch (action.type) {
    case 'reset':
      return emptyLiveState;
    case 'snapshot':
      return mergeSnapshot(state, action.rows);
    case 'message':
      return isLiveMessage(action.payload) ? applyLiveMessage(state, action.payload) : state;
    case 'row':
      return applyVisitorRow(state, action.row);
  }
}

export interface LiveConnection {
  state: LiveState;
  connection: ConnectionState;
}

/**
 * @param passes where the channel's token comes from (null: no live view): short-lived passes from the ingest Worker
 * (the live topic admits nothing else), renewed before they expire (realtime-js asks at every
 * heartbeat) and at once when the topic says access changed (event `access`).
 */
export function useLive(
  api: Api,
  realtimeUrl: string,
  apikey: string,
  passes: PassKeeper | null,
  site: string,
): LiveConnection {
  const [state, dispatch] = useReducer(reducer, emptyLiveState);
  const [connection, setConnection] = useState<ConnectionState>('connecting');

  useEffect(() => {
    dispatch({ type: 'reset' });
    // No passes, no live view (a public dashboard publishes reports only).
    if (!passes) return setConnection('offline');
    setConnection('connecting');
    let cancelled = false;
    const client = new RealtimeClient(`${realtimeUrl}/realtime/v1`, {
      params: { apikey },
      accessToken: () => passes.current().catch(() => null),
    });

    // Two channels so that a failing postgres_changes join (e.g. a table missing from the
    // publication) can never take the live broadcasts down with it.
    const live = client
      // Private: joined with a pass (supabase/schemas/42_live_access.sql).
      .channel(liveTopic(site), { config: { private: true, broadcast: { self: false } } })
      .on('broadcast', { event: LIVE_EVENT }, (msg: { payload?: unknown }) =>
        dispatch({ type: 'message', payload: msg.payload }),
      )
      // A member was removed or a share link revoked: renew now, so that Realtime authorises
      // this channel again at once (a refused renewal ends the view, see PassKeeper.onEnded).
      .on('broadcast', { event: 'access' }, () => {
        passes.renew().then(
          () => client.setAuth(),
          () => undefined,
        );
      });
    const detail = client
      .channel(`visitors:${site}`)
      .on(
        'postgres_changes',
        { event: '*', schema: 'public', table: 'visitors', filter: `site_id=eq.${site}` },
        (change: { new?: Record<string, unknown> }) => {
          if (change.new) dispatch({ type: 'row', row: change.new });
        },
      );
    // The watch: a renewal now (the first pass, or a fresh one for a kept keeper: its answer
    // carries the snapshot) and every renewMs while open; a refusal ends it (onEnded).
    let renewMs = WATCH_RENEW_MS;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const stopWatching = passes.onWatch((watch) => {
      renewMs = watch.renewMs;
      for (const payload of watch.messages) dispatch({ type: 'message', payload });
    });
    const renewWatch = (): void => {
      void passes.renew().then(
        () => {
          if (!cancelled) timer = setTimeout(renewWatch, renewMs);
        },
        () => {
          // The last watch still runs for a while: retry soon, unless access ended.
          if (!cancelled && !passes.ended) timer = setTimeout(renewWatch, 5_000);
        },
      );
    };
    renewWatch();

    // The first pass before the first join: a join without one would be refused.
    void client.setAuth().then(() => {
      if (cancelled) return;
      live.subscribe((status) => {
        if (status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) setConnection('live');
        else if (status === REALTIME_SUBSCRIBE_STATES.CLOSED) setConnection('offline');
        else setConnection('reconnecting');
      });
      detail.subscribe();
    });

    void api.liveVisitors(site, LIVE_WINDOW_SECONDS).then((res) => {
      if (!cancelled && res.data) dispatch({ type: 'snapshot', rows: res.data });
    });

    // The channel callback reports joins; the socket itself can be down between them.
    const poll = setInterval(() => {
      if (!client.isConnected()) setConnection((c) => (c === 'connecting' ? c : 'reconnecting'));
    }, 1000);

    return () => {
      cancelled = true;
      stopWatching();
      if (timer !== null) clearTimeout(timer);
      clearInterval(poll);
      void client.removeChannel(live);
      void client.removeChannel(detail);
      void client.disconnect();
    };
  }, [api, realtimeUrl, apikey, passes, site]);

  // A sequence gap means a delta was missed: re-read the current set once.
  useEffect(() => {
    if (!state.gap) return;
    let cancelled = false;
    void api.liveVisitors(site, LIVE_WINDOW_SECONDS).then((res) => {
      if (!cancelled && res.data) dispatch({ type: 'snapshot', rows: res.data });
    });
    return () => {
      cancelled = true;
    };
  }, [api, site, state.gap]);

  return { state, connection };
}
