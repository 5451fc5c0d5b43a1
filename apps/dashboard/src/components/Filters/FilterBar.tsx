/** Active filters as removable chips; every report and the live view honour them. */
import type { Filters } from '../../lib/api.js';
import { DIMENSION_LABELS, type Dimension } from '../../lib/dimensions.js';
import { UserText } from '../Text/UserText.js';

export function FilterBar({
  filters,
  onRemove,
}: {
  filters: Filters;
  onRemove: (dim: Dimension | null) => void;
}) {
  const entries = Object.entries(filters) as [Dimension, string][];
  if (entries.length === 0) return null;
  return (
    <div className="filter-bar" aria-label="Filters">
      {entries.map(([dim, value]) => (
        <button
          key={dim}
          type="button"
          className="chip"
          onClick={() => onRemove(dim)}
          title="Remove filter"
        >
          {DIMENSION_LABELS[dim]}:{' '}
          <strong>
            <UserText text={value} empty="(none)" max={60} />
          </strong>{' '}
          <span aria-hidden="true">×</span>
        </button>
      ))}
      {entries.length > 1 && (
        <button type="button" className="chip clear" onClick={() => onRemove(null)}>
          Clear all
        </button>
      )}
    </div>
  );
}
