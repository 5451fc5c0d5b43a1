/**
 * Gradient-boosted shallow regression trees for log loss (second-order leaf values, as in
 * XGBoost), small enough to write out as model.json: `[feature, threshold, left, right]` split
 * nodes and `[value]` leaves, children always after their parent.
 */

export interface BoostOptions {
  rounds: number;
  depth: number;
  learningRate: number;
  /** Minimum Hessian (≈ p(1-p) summed) on each side of a split. */
  minChildWeight?: number;
  /** L2 penalty on leaf values. */
  l2?: number;
}

export interface TreesFit {
  base: number;
  trees: number[][][];
}

interface Split {
  gain: number;
  feature: number;
  threshold: number;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export function evalTree(tree: readonly number[][], row: readonly number[]): number {
  let node = tree[0]!;
  while (node.length === 4) node = tree[row[node[0]!]! < node[1]! ? node[2]! : node[3]!]!;
  return node[0]!;
}

export function fitTrees(x: readonly number[][], y: readonly (0 | 1)[], o: BoostOptions): TreesFit {
  const n = x.length;
  const d = x[0]?.length ?? 0;
  const lambda = o.l2 ?? 1;
  const minChild = o.minChildWeight ?? 1;
  const rate = y.reduce<number>((s, v) => s + v, 0) / n;
  const base = Math.log(rate / (1 - rate));
  const sorted = Array.from({ length: d }, (_, j) =>
    Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]![j]! - x[b]![j]!),
  );
  const maxNodes = 2 ** (o.depth + 1);
  const margin = new Float64Array(n).fill(base);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const nodeOf = new Int32Array(n);
  // Per-node accumulators, indexed by node id (a tree has fewer than 2^(depth+1) nodes).
  const G = new Float64Array(maxNodes);
  const H = new Float64Array(maxNodes);
  const gl = new Float64Array(maxNodes);
  const hl = new Float64Array(maxNodes);
  const last = new Float64Array(maxNodes);
  const seen = new Uint8Array(maxNodes);
  const open = new Uint8Array(maxNodes);
  const trees: number[][][] = [];
  for (let round = 0; round < o.rounds; round++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(margin[i]!);
      g[i] = p - y[i]!;
      h[i] = p * (1 - p);
    }
    const tree: number[][] = [[0]];
    nodeOf.fill(0);
    let frontier = [0];
    for (let level = 0; level <= o.depth && frontier.length > 0; level++) {
      open.fill(0);
      G.fill(0);
      H.fill(0);
      for (const m of frontier) open[m] = 1;
      for (let i = 0; i < n; i++) {
        const m = nodeOf[i]!;
        if (!open[m]) continue;
        G[m]! += g[i]!;
        H[m]! += h[i]!;
      }
      const best = new Map<number, Split>();
      for (let j = 0; level < o.depth && j < d; j++) {
        gl.fill(0);
        hl.fill(0);
        seen.fill(0);
        for (const i of sorted[j]!) {
          const m = nodeOf[i]!;
          if (!open[m]) continue;
          const v = x[i]![j]!;
          const lh = hl[m]!;
          if (seen[m] && v !== last[m] && lh >= minChild && H[m]! - lh >= minChild) {
            const lg = gl[m]!;
            const rg = G[m]! - lg;
            const gain =
              (lg * lg) / (lh + lambda) +
              (rg * rg) / (H[m]! - lh + lambda) -
              (G[m]! * G[m]!) / (H[m]! + lambda);
            if (gain > (best.get(m)?.gain ?? 1e-9)) {
              best.set(m, { gain, feature: j, threshold: (last[m]! + v) / 2 });
            }
          }
          gl[m]! += g[i]!;
          hl[m] = lh + h[i]!;
          last[m] = v;
          seen[m] = 1;
        }
      }
      const next: number[] = [];
      for (const m of frontier) {
        const split = best.get(m);
        if (!split) {
          tree[m] = [(-G[m]! / (H[m]! + lambda)) * o.learningRate];
          continue;
        }
        const left = tree.push([0]) - 1;
        const right = tree.push([0]) - 1;
        tree[m] = [split.feature, split.threshold, left, right];
        next.push(left, right);
      }
      for (let i = 0; i < n; i++) {
        const node = tree[nodeOf[i]!]!;
        if (node.length === 4) nodeOf[i] = x[i]![node[0]!]! < node[1]! ? node[2]! : node[3]!;
      }
      frontier = next;
    }
    trees.push(tree);
    for (let i = 0; i < n; i++) margin[i]! += evalTree(tree, x[i]!);
  }
  return { base, trees };
}
