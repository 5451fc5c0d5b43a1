/**
 * Deepest point of the viewport in the document, percent; a page that fits the window is 100.
 * `+ 0.5 | 0` rounds, and turns the NaN or Infinity of an empty document into 0.
 */
export const scrollDepth = (): number =>
  Math.min(
    100,
    (((scrollY + innerHeight) * 100) / document.documentElement.scrollHeight + 0.5) | 0,
  );
