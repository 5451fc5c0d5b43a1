/** Legend for the marker colours: the value score 0..100 (likelihood of a valuable visit). */
import { SCORE_STOPS } from '../../lib/score-color.js';

export function ScoreLegend() {
  const gradient = SCORE_STOPS.map((s) => `${s.color} ${s.score}%`).join(', ');
  return (
    <div className="score-legend" aria-label="Value score legend">
      <span>Value score</span>
      <span className="ramp" style={{ background: `linear-gradient(to right, ${gradient})` }} />
      <span className="ends">
        <span>0</span>
        <span>100</span>
      </span>
    </div>
  );
}
