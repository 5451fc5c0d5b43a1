// Placeholder until the fitted value-score model lands (issue 11).
export {};
