/** Deepest point of the viewport in the document, percent; a page that fits the window is 100. */
export const scrollDepth = (): number =>
  Math.min(
    100,
    Math.round(((scrollY + innerHeight) / document.documentElement.scrollHeight) * 100),
  ) || 0;
