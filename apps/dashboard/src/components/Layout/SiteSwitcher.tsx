import type { Site } from '../../lib/api.js';

export function SiteSwitcher({
  sites,
  value,
  onChange,
}: {
  sites: Site[];
  value: string;
  onChange: (id: string) => void;
}) {
  if (sites.length === 1) return <span className="site-name">{sites[0]!.name}</span>;
  return (
    <select
      aria-label="Site"
      className="site-switcher"
      value={value}
      onChange={(e) => onChange(e.target.value)}
    >
      {sites.map((s) => (
        <option key={s.id} value={s.id}>
          {s.name}
        </option>
      ))}
    </select>
  );
}
