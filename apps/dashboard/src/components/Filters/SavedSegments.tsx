/**
 * Saved segments in the filter bar: **Segments** opens the site's saved filter sets; a click
 * applies one (its filters replace the current ones, so the URL holds them as any filter), the
 * current filters are saved under a name, and a segment the caller may change (saved by them,
 * or they own or administer the site) is renamed or deleted in place. Names are site-supplied
 * text: rendered through UserText.
 */
import { useState, type FormEvent } from 'react';
import { useLoad } from '../../hooks/useLoad.js';
import { statsFilters, type Segment } from '../../lib/segment.js';
import { toSegment, type SavedSegment, type SegmentsApi } from '../../lib/segments-api.js';
import { UserText } from '../Text/UserText.js';

interface Props {
  segments: SegmentsApi;
  site: string;
  filters: Segment;
  onApply: (segment: Segment) => void;
}

const sameFilters = (a: Segment, b: Segment): boolean =>
  JSON.stringify(statsFilters(a)) === JSON.stringify(statsFilters(b));

export function SavedSegments({ segments, site, filters, onApply }: Props) {
  const [open, setOpen] = useState(false);
  const list = useLoad(`segments:${site}`, () => segments.list(site));
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const saved = list.data ?? [];
  const current = saved.find((s) => sameFilters(toSegment(s.filters), filters));

  const done = (res: { error: { message: string } | null }): boolean => {
    if (res.error) {
      setError(res.error.message);
      return false;
    }
    setError(null);
    list.reload();
    return true;
  };

  const save = (e: FormEvent): void => {
    e.preventDefault();
    void segments.create(site, name.trim(), filters).then((res) => {
      if (done(res)) setName('');
    });
  };

  return (
    <div className="saved-segments">
      <button
        type="button"
        className="chip add"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        data-testid="segments-toggle"
      >
        Segments{saved.length > 0 ? ` (${saved.length})` : ''}
        {current && (
          <>
            : <UserText text={current.name} max={40} />
          </>
        )}
      </button>
      {open && (
        <div className="segments-panel" role="region" aria-label="Saved segments">
          {list.error && (
            <p className="error" role="alert">
              <UserText text={list.error.message} />
            </p>
          )}
          {list.data && saved.length === 0 && <p className="muted">No saved segments yet.</p>}
          <ul>
            {saved.map((s) => (
              <SegmentRow
                key={s.id}
                segment={s}
                current={s === current}
                onApply={() => {
                  onApply(toSegment(s.filters));
                  setOpen(false);
                }}
                onRename={(to) => segments.rename(s.id, to).then(done)}
                onDelete={() => segments.remove(s.id).then(done)}
              />
            ))}
          </ul>
          {filters.length > 0 && (
            <form className="add-filter" onSubmit={save} aria-label="Save segment">
              <input
                aria-label="Segment name"
                value={name}
                maxLength={80}
                required
                placeholder="Name these filters"
                onChange={(e) => setName(e.target.value)}
              />
              <button type="submit" disabled={name.trim() === ''}>
                Save segment
              </button>
            </form>
          )}
          {error && (
            <p className="error" role="alert" data-testid="segment-error">
              <UserText text={error} max={200} />
            </p>
          )}
        </div>
      )}
    </div>
  );
}

function SegmentRow({
  segment,
  current,
  onApply,
  onRename,
  onDelete,
}: {
  segment: SavedSegment;
  current: boolean;
  onApply: () => void;
  /** Resolves to whether it was renamed. */
  onRename: (name: string) => Promise<boolean>;
  onDelete: () => Promise<boolean>;
}) {
  const [renaming, setRenaming] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [name, setName] = useState(segment.name);
  if (renaming)
    return (
      <li>
        <form
          className="add-filter"
          aria-label="Rename segment"
          onSubmit={(e) => {
            e.preventDefault();
            void onRename(name.trim()).then((ok) => ok && setRenaming(false));
          }}
        >
          <input
            aria-label="New name"
            value={name}
            maxLength={80}
            required
            onChange={(e) => setName(e.target.value)}
          />
          <button type="submit">Save</button>
          <button type="button" className="link" onClick={() => setRenaming(false)}>
            Cancel
          </button>
        </form>
      </li>
    );
  return (
    <li data-testid="saved-segment">
      <button
        type="button"
        className="link segment-name"
        aria-current={current || undefined}
        onClick={onApply}
        title="Apply this segment"
      >
        <UserText text={segment.name} max={60} />
      </button>
      {segment.can_edit && (
        <>
          <button type="button" className="link" onClick={() => setRenaming(true)}>
            Rename
          </button>
          {confirming ? (
            <button type="button" className="danger" onClick={() => void onDelete()}>
              Confirm delete
            </button>
          ) : (
            <button type="button" className="link" onClick={() => setConfirming(true)}>
              Delete
            </button>
          )}
        </>
      )}
    </li>
  );
}
