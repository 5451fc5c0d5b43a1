/**
 * Defining goals and funnels: the site's goals and funnels, each to edit or delete, and two
 * small forms that add one or change the one being edited, through PostgREST (RLS: owners,
 * admins and service tokens write them). The database checks what it stores and answers a bad
 * pattern or step, or deleting a goal a funnel uses, with a message naming it, shown here as it
 * comes. Names, events and patterns are site-supplied: rendered through UserText.
 */
import { useState, type FormEvent } from 'react';
import type { Api } from '../../lib/api.js';
import type {
  FunnelDef,
  FunnelStepDef,
  GoalDef,
  NewFunnel,
  NewGoal,
} from '../../lib/conversions-api.js';
import { useQuery } from '../../hooks/useQuery.js';
import { UserText } from '../Text/UserText.js';

/** A text field of a submitted form ('' when absent; a file field is not text). */
function field(data: FormData, name: string): string {
  const v = data.get(name);
  return typeof v === 'string' ? v.trim() : '';
}

interface Props {
  api: Api;
  site: string;
  version: number;
  /** Called after a goal or funnel was stored, changed or deleted. */
  onChange: () => void;
  /** Called after a goal was deleted (the breakdowns stop showing it). */
  onGoalDeleted: (id: number) => void;
}

export function ConversionSettings({ api, site, version, onChange, onGoalDeleted }: Props) {
  const goals = useQuery(`${site}:${version}:goals`, () => api.conversions.goalList(site));
  const funnels = useQuery(`${site}:${version}:funnels`, () => api.conversions.funnels(site));
  const [editGoal, setEditGoal] = useState<GoalDef | null>(null);
  const [editFunnel, setEditFunnel] = useState<FunnelDef | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const goalList = goals.data ?? [];
  const goalName = (id: number) => goalList.find((g) => g.id === id)?.name ?? `goal ${id}`;

  async function removeGoal(g: GoalDef): Promise<void> {
    const res = await api.conversions.deleteGoal(g.id);
    if (res.error) return setMessage(`Could not delete the goal: ${res.error.message}`);
    setMessage('Goal deleted.');
    if (editGoal?.id === g.id) setEditGoal(null);
    onGoalDeleted(g.id);
    onChange();
  }
  async function removeFunnel(f: FunnelDef): Promise<void> {
    const res = await api.conversions.deleteFunnel(f.id);
    if (res.error) return setMessage(`Could not delete the funnel: ${res.error.message}`);
    setMessage('Funnel deleted.');
    if (editFunnel?.id === f.id) setEditFunnel(null);
    onChange();
  }

  return (
    <section className="card settings" aria-label="Goals and funnels settings">
      <h2>Goals and funnels</h2>
      <DefinitionList
        label="Goals"
        testId="goal-defs"
        rows={goalList}
        describe={(g) =>
          g.event_name !== null
            ? `event ${g.event_name}${g.prop_key !== null ? ` with ${g.prop_key} = ${g.prop_value ?? ''}` : ''}`
            : `page ${g.page_path ?? ''}`
        }
        onEdit={(g) => setEditGoal(g)}
        onDelete={(g) => void removeGoal(g)}
      />
      <DefinitionList
        label="Funnels"
        testId="funnel-defs"
        rows={funnels.data ?? []}
        describe={(f) => f.steps.map((s) => ('page' in s ? s.page : goalName(s.goal))).join(' → ')}
        onEdit={(f) => setEditFunnel(f)}
        onDelete={(f) => void removeFunnel(f)}
      />
      {message && (
        <p role="status" className="muted" data-testid="settings-status">
          {message}
        </p>
      )}
      <GoalForm
        key={`goal-${editGoal?.id ?? 'new'}`}
        api={api}
        site={site}
        editing={editGoal}
        onDone={() => {
          if (editGoal) setMessage('Goal changed.');
          setEditGoal(null);
          onChange();
        }}
        onCancel={() => setEditGoal(null)}
      />
      <FunnelForm
        key={`funnel-${editFunnel?.id ?? 'new'}`}
        api={api}
        site={site}
        goals={goalList}
        editing={editFunnel}
        onDone={() => {
          if (editFunnel) setMessage('Funnel changed.');
          setEditFunnel(null);
          onChange();
        }}
        onCancel={() => setEditFunnel(null)}
      />
    </section>
  );
}

/**
 * The defined goals or funnels, each with Edit and Delete. Delete asks once more in place
 * (the button turns into "Confirm delete") instead of a browser dialog.
 */
function DefinitionList<T extends { id: number; name: string }>({
  label,
  testId,
  rows,
  describe,
  onEdit,
  onDelete,
}: {
  label: string;
  testId: string;
  rows: readonly T[];
  describe: (row: T) => string;
  onEdit: (row: T) => void;
  onDelete: (row: T) => void;
}) {
  const [confirming, setConfirming] = useState<number | null>(null);
  if (rows.length === 0) return null;
  return (
    <>
      <h3>{label}</h3>
      <ul className="definitions" data-testid={testId}>
        {rows.map((row) => (
          <li key={row.id}>
            <span className="definition">
              <strong>
                <UserText text={row.name} />
              </strong>{' '}
              <span className="muted">
                <UserText text={describe(row)} max={160} />
              </span>
            </span>
            <button type="button" onClick={() => onEdit(row)}>
              Edit
            </button>
            {confirming === row.id ? (
              <button
                type="button"
                className="danger"
                onClick={() => {
                  setConfirming(null);
                  onDelete(row);
                }}
              >
                Confirm delete
              </button>
            ) : (
              <button type="button" onClick={() => setConfirming(row.id)}>
                Delete
              </button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

interface FormProps<T> {
  api: Api;
  site: string;
  /** The definition being changed; null: the form adds a new one. */
  editing: T | null;
  onDone: () => void;
  onCancel: () => void;
}

function GoalForm({ api, site, editing, onDone, onCancel }: FormProps<GoalDef>) {
  const [kind, setKind] = useState<'event' | 'page'>(editing?.page_path != null ? 'page' : 'event');
  const [message, setMessage] = useState<string | null>(null);
  const verb = editing ? 'change' : 'add';

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
    const res = editing
      ? await api.conversions.updateGoal(editing.id, goal)
      : await api.conversions.createGoal(site, goal);
    if (res.error) return setMessage(`Could not ${verb} the goal: ${res.error.message}`);
    setMessage('Goal added.');
    form.reset();
    onDone();
  }

  const title = editing ? 'Edit the goal' : 'Add a goal';
  return (
    <form className="settings-form" onSubmit={(e) => void submit(e)} aria-label={title}>
      <h3>{title}</h3>
      <label>
        Name <input name="name" required maxLength={120} defaultValue={editing?.name} />
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
          defaultValue={(kind === 'event' ? editing?.event_name : editing?.page_path) ?? ''}
        />
      </label>
      {kind === 'event' && (
        <>
          <label>
            Property (optional){' '}
            <input
              name="prop_key"
              maxLength={64}
              placeholder="plan"
              defaultValue={editing?.prop_key ?? ''}
            />
          </label>
          <label>
            Value{' '}
            <input
              name="prop_value"
              maxLength={256}
              placeholder="gift"
              defaultValue={editing?.prop_value ?? ''}
            />
          </label>
        </>
      )}
      <button type="submit">{editing ? 'Save goal' : 'Add goal'}</button>
      {editing && (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      )}
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
function FunnelForm({
  api,
  site,
  goals,
  editing,
  onDone,
  onCancel,
}: FormProps<FunnelDef> & { goals: readonly GoalDef[] }) {
  const [message, setMessage] = useState<string | null>(null);
  const verb = editing ? 'change' : 'add';
  const lines = editing?.steps
    .map((s) => ('page' in s ? s.page : (goals.find((g) => g.id === s.goal)?.name ?? '')))
    .join('\n');

  async function submit(e: FormEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const steps: FunnelStepDef[] = [];
    for (const line of field(data, 'steps')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)) {
      if (line.startsWith('/')) {
        steps.push({ page: line });
        continue;
      }
      const goal = goals.find((g) => g.name === line);
      if (!goal) return setMessage(`No goal named "${line}": add it first, or use a page path.`);
      steps.push({ goal: goal.id });
    }
    if (steps.length < 2 || steps.length > 8) return setMessage('A funnel has 2 to 8 steps.');
    const minutes = Number(data.get('window') || 0);
    const funnel: NewFunnel = {
      name: field(data, 'name'),
      steps,
      window_seconds: minutes > 0 ? Math.round(minutes * 60) : null,
    };
    const res = editing
      ? await api.conversions.updateFunnel(editing.id, funnel)
      : await api.conversions.createFunnel(site, funnel);
    if (res.error) return setMessage(`Could not ${verb} the funnel: ${res.error.message}`);
    setMessage('Funnel added.');
    form.reset();
    onDone();
  }

  const title = editing ? 'Edit the funnel' : 'Add a funnel';
  return (
    <form className="settings-form" onSubmit={(e) => void submit(e)} aria-label={title}>
      <h3>{title}</h3>
      <label>
        Name <input name="name" required maxLength={120} defaultValue={editing?.name} />
      </label>
      <label>
        Steps, one a line (a page path, or a goal&apos;s name){' '}
        <textarea
          name="steps"
          required
          rows={4}
          placeholder={'/products/*\n/cart\nPurchase'}
          defaultValue={lines}
        />
      </label>
      <label>
        Time limit in minutes (optional){' '}
        <input
          name="window"
          type="number"
          min={0}
          step="any"
          defaultValue={editing?.window_seconds != null ? editing.window_seconds / 60 : undefined}
        />
      </label>
      <button type="submit">{editing ? 'Save funnel' : 'Add funnel'}</button>
      {editing && (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      )}
      {message && (
        <p role="status" className="muted">
          {message}
        </p>
      )}
    </form>
  );
}
