/** Date range buttons, with two day inputs for a custom range (days in the site's time zone). */
import { RANGES, RANGE_LABELS, type RangeKey } from '../../lib/date-range.js';

interface Props {
  range: RangeKey;
  from: string | null;
  to: string | null;
  onChange: (patch: { range: RangeKey; from?: string | null; to?: string | null }) => void;
}

export function RangePicker({ range, from, to, onChange }: Props) {
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
    </div>
  );
}
