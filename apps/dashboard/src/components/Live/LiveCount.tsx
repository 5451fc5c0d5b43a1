import { formatCount } from '../../lib/format.js';

export function LiveCount({ count }: { count: number }) {
  return (
    <div className="live-count">
      <span className="value" data-testid="visitors-now">
        {formatCount(count)}
      </span>
      <span className="label">{count === 1 ? 'visitor now' : 'visitors now'}</span>
    </div>
  );
}
