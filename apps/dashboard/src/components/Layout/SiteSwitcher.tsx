import type { Site } from '../../lib/api.js';
import { displayText } from '../../lib/display-text.js';
import { UserText } from '../Text/UserText.js';

export function SiteSwitcher({
  sites,
  value,
  onChange,
}: {
  sites: Site[];
  value: string;
  onChange: (id: string) => void;
}) {
  // Site names are typed by people: isolated and cut like any user text (an option holds text only).
  if (sites.length === 1)
    return (
      <span className="site-name">
        <UserText text={sites[0]!.name} />
      </span>
    );
  return (
    <select
      aria-label="Site"
      className="site-switcher"
      value={value}
      onChange={(e) => onChange(e.target.value)}
    >
      {sites.map((s) => (
        <option key={s.id} value={s.id}>
          {displayText(s.name).shown}
        </option>
      ))}
    </select>
  );
}
