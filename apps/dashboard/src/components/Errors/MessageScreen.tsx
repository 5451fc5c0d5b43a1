/** A full-page message (configuration missing, token expired, no sites, crash). */
import type { ReactNode } from 'react';

interface Props {
  title: string;
  children?: ReactNode;
  action?: { label: string; onClick: () => void };
}

export function MessageScreen({ title, children, action }: Props) {
  return (
    <main className="message-screen">
      <div className="message-card" role="alert">
        <h1>{title}</h1>
        {children}
        {action && (
          <button type="button" onClick={action.onClick}>
            {action.label}
          </button>
        )}
      </div>
    </main>
  );
}
