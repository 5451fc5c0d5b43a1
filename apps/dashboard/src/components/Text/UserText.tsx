/**
 * One piece of visitor- or site-supplied text: rendered as text (React escapes it), cleaned and
 * cut by `displayText`, and isolated (`<bdi dir="auto">`) so that right-to-left text cannot
 * reorder the numbers and labels around it. The whole text is in the tooltip when it was cut.
 */
import { DISPLAY_MAX, displayText } from '../../lib/display-text.js';

interface Props {
  text: string;
  /** Shown for an empty value, e.g. "(none)". */
  empty?: string;
  max?: number;
}

export function UserText({ text, empty = '', max = DISPLAY_MAX }: Props) {
  if (!text) return <span className="muted">{empty}</span>;
  const { shown, full } = displayText(text, max);
  return (
    <bdi dir="auto" className="user-text" title={full ?? undefined}>
      {shown}
    </bdi>
  );
}
