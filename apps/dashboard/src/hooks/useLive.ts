/**
 * The live layer for one site: the initial state from `live_visitors`, then the SiteLive Durable
 * Object's broadcasts on `site:<id>` (pushed, not polled), plus `visitors` row changes for detail.
 * The Worker pushes only while a dashboard watches the site, so the view keeps a watch on it
 * (lib/watch.ts) and applies the full snapshot each watch call answers.
 * realtime-js rejoins by itself after a drop; we only surface its state.
 */
import { RealtimeClient, REALTIME_SUBSCRIBE_STATES } from '@supabase/realtime-js';
import { LIVE_EVENT, liveTopic } from '@sightline/schema/live';
import { useEffect, useReducer, useState } from 'react';
import type { Api } from '../lib/api.js';
import {
  applyLiveMessage,
  applyVisitorRow,
  emptyLiveState,
  isLiveMessage,
  mergeSnapshot,
  type LiveState,
} from '../lib/live-state.js';
import type { LiveVisitorRow } from '../lib/api.js';
import { keepWatching } from '../lib/watch.js';

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

export function useLive(
  api: Api,
  realtimeUrl: string,
  anonKey: string,
  token: string,
  site: string,
  ingestUrl = '',
): LiveConnection {
  const [state, dispatch] = useReducer(reducer, emptyLiveState);
  const [connection, setConnection] = useState<ConnectionState>('connecting');

  useEffect(() => {
    dispatch({ type: 'reset' });
    setConnection('connecting');
    const client = new RealtimeClient(`${realtimeUrl}/realtime/v1`, {
      params: { apikey: anonKey },
    });
    void client.setAuth(token);

    // Two channels so that a failing postgres_changes join (e.g. a table missing from the
    // publication) can never take the live broadcasts down with it.
    const live = client
      // Private: joined with the dashboard token (supabase/schemas/41_realtime.sql).
      .channel(liveTopic(site), { config: { private: true, broadcast: { self: false } } })
      .on('broadcast', { event: LIVE_EVENT }, (msg: { payload?: unknown }) =>
        dispatch({ type: 'message', payload: msg.payload }),
      )
      .subscribe((status) => {
        if (status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) setConnection('live');
        else if (status === REALTIME_SUBSCRIBE_STATES.CLOSED) setConnection('offline');
        else setConnection('reconnecting');
      });
    const detail = client
      .channel(`visitors:${site}`)
      .on(
        'postgres_changes',
        { event: '*', schema: 'public', table: 'visitors', filter: `site_id=eq.${site}` },
        (change: { new?: Record<string, unknown> }) => {
          if (change.new) dispatch({ type: 'row', row: change.new });
        },
      )
      .subscribe();

    let cancelled = false;
    void api.liveVisitors(site, LIVE_WINDOW_SECONDS).then((res) => {
      if (!cancelled && res.data) dispatch({ type: 'snapshot', rows: res.data });
    });

    // The channel callback reports joins; the socket itself can be down between them.
    const poll = setInterval(() => {
      if (!client.isConnected()) setConnection((c) => (c === 'connecting' ? c : 'reconnecting'));
    }, 1000);

    // Without an ingest URL nobody asks the Worker to push: the first snapshot only.
    const stopWatching = ingestUrl
      ? keepWatching(ingestUrl, token, site, (messages) => {
          for (const payload of messages) dispatch({ type: 'message', payload });
        })
      : () => {};

    return () => {
      cancelled = true;
      stopWatching();
      clearInterval(poll);
      void client.removeChannel(live);
      void client.removeChannel(detail);
      void client.disconnect();
    };
  }, [api, realtimeUrl, anonKey, token, site, ingestUrl]);

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
