/** Date range buttons, with two day inputs for a custom range (days in the site's time zone). */
import { RANGES, RANGE_LABELS, type RangeKey } from '../../lib/date-range.js';
import { COMPARES, COMPARE_LABELS, type Compare } from '../../lib/url-state.js';

interface Props {
  range: RangeKey;
  from: string | null;
  to: string | null;
  onChange: (patch: { range: RangeKey; from?: string | null; to?: string | null }) => void;
  /** What the reports compare with; without `onCompare` no choice is shown. */
  compare?: Compare;
  onCompare?: (compare: Compare) => void;
}

export function RangePicker({
  range,
  from,
  to,
  onChange,
  compare = 'previous_period',
  onCompare,
}: Props) {
  return (
    <div className="range-picker">
      <div className="segmented" role="group" aria-label="Date range">
        {RANGES.map((r) => (
          <button
            key={r}
            type="button"
            aria-pressed={r === range}
            onClick={() => onChange({ range: r })}
          >
            {RANGE_LABELS[r]}
          </button>
        ))}
      </div>
      {range === 'custom' && (
        <div className="custom-range">
          <input
            type="date"
            aria-label="From"
            value={from ?? ''}
            onChange={(e) => onChange({ range, from: e.target.value || null, to })}
          />
          <span aria-hidden="true">–</span>
          <input
            type="date"
            aria-label="To"
            value={to ?? ''}
            onChange={(e) => onChange({ range, from, to: e.target.value || null })}
          />
        </div>
      )}
      {onCompare && range !== 'realtime' && (
        <select
          aria-label="Compare with"
          value={compare}
          onChange={(e) => onCompare(e.target.value as Compare)}
        >
          {COMPARES.map((c) => (
            <option key={c} value={c}>
              {`vs ${COMPARE_LABELS[c].toLowerCase()}`}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}
