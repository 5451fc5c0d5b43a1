/**
 * Defining goals and funnels: two small forms that insert into `goals` and `funnels` through
 * PostgREST (RLS: a token for the site). The database checks what it stores and answers a bad
 * pattern or step with a message naming the field, shown here as it comes.
 */
import { useState, type FormEvent } from 'react';
import type { Api } from '../../lib/api.js';
import type { FunnelStepDef, NewGoal } from '../../lib/conversions-api.js';
import { useQuery } from '../../hooks/useQuery.js';

/** A text field of a submitted form ('' when absent; a file field is not text). */
function field(data: FormData, name: string): string {
  const v = data.get(name);
  return typeof v === 'string' ? v.trim() : '';
}

interface Props {
  api: Api;
  site: string;
  version: number;
  /** Called after a goal or funnel was stored. */
  onChange: () => void;
}

export function ConversionSettings({ api, site, version, onChange }: Props) {
  return (
    <section className="card settings" aria-label="Goals and funnels settings">
      <h2>Goals and funnels</h2>
      <GoalForm api={api} site={site} onChange={onChange} />
      <FunnelForm api={api} site={site} version={version} onChange={onChange} />
    </section>
  );
}

function GoalForm({ api, site, onChange }: Omit<Props, 'version'>) {
  const [kind, setKind] = useState<'event' | 'page'>('event');
  const [message, setMessage] = useState<string | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const text = (name: string) => field(data, name);
    const goal: NewGoal = { name: text('name') };
    if (kind === 'event') {
      goal.event_name = text('match');
      if (text('prop_key')) {
        goal.prop_key = text('prop_key');
        goal.prop_value = text('prop_value');
      }
    } else {
      goal.page_path = text('match');
    }
    const res = await api.conversions.createGoal(site, goal);
    if (res.error) return setMessage(`Could not add the goal: ${res.error.message}`);
    setMessage('Goal added.');
    form.reset();
    onChange();
  }

  return (
    <form className="settings-form" onSubmit={(e) => void submit(e)} aria-label="Add a goal">
      <h3>Add a goal</h3>
      <label>
        Name <input name="name" required maxLength={120} />
      </label>
      <label>
        Kind{' '}
        <select value={kind} onChange={(e) => setKind(e.target.value as 'event' | 'page')}>
          <option value="event">Custom event</option>
          <option value="page">Page visit</option>
        </select>
      </label>
      <label>
        {kind === 'event' ? 'Event name' : 'Page path (* within a segment, ** across)'}{' '}
        <input
          name="match"
          required
          maxLength={kind === 'event' ? 64 : 1024}
          placeholder={kind === 'event' ? 'purchase' : '/checkout/*/done'}
        />
      </label>
      {kind === 'event' && (
        <>
          <label>
            Property (optional) <input name="prop_key" maxLength={64} placeholder="plan" />
          </label>
          <label>
            Value <input name="prop_value" maxLength={256} placeholder="gift" />
          </label>
        </>
      )}
      <button type="submit">Add goal</button>
      {message && (
        <p role="status" className="muted">
          {message}
        </p>
      )}
    </form>
  );
}

/**
 * Steps, one a line: a line starting with "/" is a page pattern, any other the name of a goal.
 */
function FunnelForm({ api, site, version, onChange }: Props) {
  const goals = useQuery(`${site}:${version}:goals`, () => api.conversions.goalList(site));
  const [message, setMessage] = useState<string | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const lines = field(data, 'steps')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const steps: FunnelStepDef[] = [];
    for (const line of lines) {
      if (line.startsWith('/')) {
        steps.push({ page: line });
        continue;
      }
      const goal = (goals.data ?? []).find((g) => g.name === line);
      if (!goal) return setMessage(`No goal named "${line}": add it first, or use a page path.`);
      steps.push({ goal: goal.id });
    }
    if (steps.length < 2 || steps.length > 8) return setMessage('A funnel has 2 to 8 steps.');
    const minutes = Number(data.get('window') || 0);
    const res = await api.conversions.createFunnel(site, {
      name: field(data, 'name'),
      steps,
      window_seconds: minutes > 0 ? Math.round(minutes * 60) : null,
    });
    if (res.error) return setMessage(`Could not add the funnel: ${res.error.message}`);
    setMessage('Funnel added.');
    form.reset();
    onChange();
  }

  return (
    <form className="settings-form" onSubmit={(e) => void submit(e)} aria-label="Add a funnel">
      <h3>Add a funnel</h3>
      <label>
        Name <input name="name" required maxLength={120} />
      </label>
      <label>
        Steps, one a line (a page path, or a goal&apos;s name){' '}
        <textarea name="steps" required rows={4} placeholder={'/products/*\n/cart\nPurchase'} />
      </label>
      <label>
        Time limit in minutes (optional) <input name="window" type="number" min={1} />
      </label>
      <button type="submit">Add funnel</button>
      {message && (
        <p role="status" className="muted">
          {message}
        </p>
      )}
    </form>
  );
}
