import type { ConnectionState } from '../../hooks/useLive.js';

const LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

export function ConnectionBadge({ state }: { state: ConnectionState }) {
  return (
    <span
      className={`connection connection-${state}`}
      data-testid="connection"
      data-state={state}
      role="status"
    >
      <span className="dot" aria-hidden="true" />
      {LABELS[state]}
    </span>
  );
}
