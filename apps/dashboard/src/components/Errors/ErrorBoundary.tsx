/** Last line of defence: a render error shows a message and a reload button, never a blank page. */
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { MessageScreen } from './MessageScreen.js';

interface Props {
  children: ReactNode;
  /** Shown in the heading, e.g. "The map". */
  what?: string;
  /** Compact inline box instead of a full screen (for a failing panel inside a working page). */
  inline?: boolean;
}

export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.warn('sightline: render error', error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    const title = `${this.props.what ?? 'The dashboard'} ran into an error`;
    if (this.props.inline) {
      return (
        <div className="panel-error" role="alert">
          <strong>{title}</strong>
          <p>{error.message}</p>
        </div>
      );
    }
    return (
      <MessageScreen
        title={title}
        action={{ label: 'Reload', onClick: () => window.location.reload() }}
      >
        <p>{error.message}</p>
      </MessageScreen>
    );
  }
}
