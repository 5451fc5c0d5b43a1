/** Says a card's figures are estimates: the Stats API answered from sampled data (meta.exact false). */
export function Estimated() {
  return (
    <p
      className="estimated muted"
      data-testid="estimated"
      title="Analytics Engine sampled this range: sums are estimates, visitors a lower bound"
    >
      Estimated
    </p>
  );
}
