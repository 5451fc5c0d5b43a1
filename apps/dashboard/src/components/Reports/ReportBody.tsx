/**
 * What a report card shows under its title: the error it got, a line when it has no rows (once
 * loaded, so a reload does not flash it), or its table.
 */
import type { ReactNode } from 'react';

interface Props {
  error: Error | null | undefined;
  /** No rows and nothing loading. */
  empty: boolean;
  /** Says what could not be loaded ("Could not load the goals"). */
  failed?: string;
  emptyText?: string;
  children: ReactNode;
}

export function ReportBody({
  error,
  empty,
  failed = 'Could not load',
  emptyText = 'No data for this period.',
  children,
}: Props) {
  if (error)
    return (
      <p className="error">
        {failed}: {error.message}
      </p>
    );
  if (empty) return <p className="muted">{emptyText}</p>;
  return <>{children}</>;
}
