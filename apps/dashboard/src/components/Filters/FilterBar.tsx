/**
 * The filters: one chip per condition ("Country is not DE, AT"), removable, and a form to add a
 * condition with an operator. Values added to a dimension and operator it already has join that
 * condition (any of them for is/contains, none of them for is not/does not contain).
 */
import { useState, type FormEvent } from 'react';
import { DIMENSION_LABELS, DIMENSIONS, type Dimension } from '../../lib/dimensions.js';
import {
  OPERATOR_LABELS,
  operatorsFor,
  type Condition,
  type Operator,
  type Segment,
} from '../../lib/segment.js';
import { UserText } from '../Text/UserText.js';

interface Props {
  filters: Segment;
  /** Dimensions that may be filtered (a share link's hidden cards are not). */
  dimensions?: readonly Dimension[];
  onAdd: (condition: Condition) => void;
  /** A condition's index, or null for all. */
  onRemove: (index: number | null) => void;
}

export function FilterBar({ filters, dimensions = DIMENSIONS, onAdd, onRemove }: Props) {
  const [adding, setAdding] = useState(false);
  return (
    <div className="filter-bar" aria-label="Filters">
      {filters.map((c, i) => (
        <button
          key={`${c.dimension}.${c.op}`}
          type="button"
          className="chip"
          onClick={() => onRemove(i)}
          title="Remove filter"
          data-testid="filter-chip"
        >
          {DIMENSION_LABELS[c.dimension]}
          {c.op === 'is' ? '' : ` ${OPERATOR_LABELS[c.op]}`}:{' '}
          {c.values.map((v, j) => (
            <strong key={j}>
              {j > 0 && ', '}
              <UserText text={v} empty="(none)" max={60} />
            </strong>
          ))}{' '}
          <span aria-hidden="true">×</span>
        </button>
      ))}
      {filters.length > 1 && (
        <button type="button" className="chip clear" onClick={() => onRemove(null)}>
          Clear all
        </button>
      )}
      {adding ? (
        <AddFilter
          dimensions={dimensions}
          onAdd={(c) => {
            onAdd(c);
            setAdding(false);
          }}
          onCancel={() => setAdding(false)}
        />
      ) : (
        <button type="button" className="chip add" onClick={() => setAdding(true)}>
          + Filter
        </button>
      )}
    </div>
  );
}

function AddFilter({
  dimensions,
  onAdd,
  onCancel,
}: {
  dimensions: readonly Dimension[];
  onAdd: (condition: Condition) => void;
  onCancel: () => void;
}) {
  const [dimension, setDimension] = useState<Dimension>(dimensions[0] ?? 'page');
  const [op, setOp] = useState<Operator>('is');
  const [value, setValue] = useState('');
  const ops = operatorsFor(dimension);
  const shownOp = ops.includes(op) ? op : 'is';
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    onAdd({ dimension, op: shownOp, values: [value.trim()] });
  };
  return (
    <form className="add-filter" onSubmit={submit} aria-label="Add a filter">
      <select
        aria-label="Dimension"
        value={dimension}
        onChange={(e) => setDimension(e.target.value as Dimension)}
      >
        {dimensions.map((d) => (
          <option key={d} value={d}>
            {DIMENSION_LABELS[d]}
          </option>
        ))}
      </select>
      <select
        aria-label="Operator"
        value={shownOp}
        onChange={(e) => setOp(e.target.value as Operator)}
      >
        {ops.map((o) => (
          <option key={o} value={o}>
            {OPERATOR_LABELS[o]}
          </option>
        ))}
      </select>
      <input
        aria-label="Value"
        value={value}
        maxLength={500}
        onChange={(e) => setValue(e.target.value)}
        placeholder="value"
      />
      <button type="submit" disabled={value.trim() === '' && shownOp !== 'is'}>
        Add
      </button>
      <button type="button" className="link" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
