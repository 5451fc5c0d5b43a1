/**
 * A site's settings, for adding a site and for its settings page: name, id (new sites only),
 * the domains allowed to send events, time zone, and what is public or kept.
 */
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import type { NewSite } from '../../lib/account-api.js';

interface Props {
  initial: NewSite;
  /** New sites choose their id; it never changes afterwards. */
  isNew: boolean;
  busy: boolean;
  submitLabel: string;
  onSubmit: (site: NewSite) => void;
  children?: ReactNode;
}

/** A site id from its name: what the database accepts (letters, digits, - and _). */
export function idFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-')
    .slice(0, 64);
}

function timeZones(current: string): string[] {
  const all =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return all.includes(current) ? all : [current, ...all];
}

export function SiteForm({ initial, isNew, busy, submitLabel, onSubmit, children }: Props) {
  const [site, setSite] = useState<NewSite>(initial);
  const [idTouched, setIdTouched] = useState(!isNew);
  const [domains, setDomains] = useState(initial.domains.join('\n'));
  const zones = useMemo(() => timeZones(site.timezone), [site.timezone]);
  const set = (patch: Partial<NewSite>): void => setSite((s) => ({ ...s, ...patch }));

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    onSubmit({
      ...site,
      domains: domains
        .split(/[\s,]+/)
        .map((d) => d.trim())
        .filter(Boolean),
    });
  };

  return (
    <form className="site-form" onSubmit={submit} data-testid="site-form">
      <label htmlFor="site-name">Name</label>
      <input
        id="site-name"
        required
        maxLength={200}
        value={site.name}
        onChange={(e) =>
          set({ name: e.target.value, ...(idTouched ? {} : { id: idFromName(e.target.value) }) })
        }
      />
      {isNew && (
        <>
          <label htmlFor="site-id">Site id (in the tracker tag; cannot change later)</label>
          <input
            id="site-id"
            required
            pattern="[A-Za-z0-9_\-]{1,64}"
            value={site.id}
            onChange={(e) => {
              setIdTouched(true);
              set({ id: e.target.value });
            }}
          />
        </>
      )}
      <label htmlFor="site-domains">
        Domains allowed to send events (one per line; subdomains included)
      </label>
      <textarea
        id="site-domains"
        rows={3}
        value={domains}
        placeholder="example.com"
        onChange={(e) => setDomains(e.target.value)}
      />
      <label htmlFor="site-timezone">Time zone of the reports</label>
      <select
        id="site-timezone"
        value={site.timezone}
        onChange={(e) => set({ timezone: e.target.value })}
      >
        {zones.map((z) => (
          <option key={z} value={z}>
            {z}
          </option>
        ))}
      </select>
      <fieldset>
        <legend>Public and stored</legend>
        <label>
          <input
            type="checkbox"
            checked={site.public_live}
            onChange={(e) => set({ public_live: e.target.checked })}
          />{' '}
          Publish the live visitor count (the badge)
        </label>
        <label>
          <input
            type="checkbox"
            checked={site.public_dashboard}
            onChange={(e) => set({ public_dashboard: e.target.checked })}
          />{' '}
          Public dashboard: anyone may read the reports
        </label>
        <label>
          <input
            type="checkbox"
            checked={site.store_raw}
            onChange={(e) => set({ store_raw: e.target.checked })}
          />{' '}
          Keep raw events in Postgres (self-hosted; Analytics Engine keeps them otherwise)
        </label>
        <label>
          <input
            type="checkbox"
            checked={site.respect_privacy_signals}
            onChange={(e) => set({ respect_privacy_signals: e.target.checked })}
          />{' '}
          Honour Global Privacy Control and Do Not Track (drop those visits)
        </label>
      </fieldset>
      {children}
      <button type="submit" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}
