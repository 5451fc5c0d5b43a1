/** Rounds every number in a JSON value to 6 significant digits: a smaller model.json, same scores. */
export function roundDeep<T>(value: T): T {
  if (typeof value === 'number') return Number(value.toPrecision(6)) as T;
  if (Array.isArray(value)) return value.map(roundDeep) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundDeep(v)])) as T;
  }
  return value;
}
