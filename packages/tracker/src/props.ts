/**
 * Custom event props, cut to what the schema accepts: at most 20 keys of ≤ 64 characters, values
 * string (≤ 256), number, boolean or null. Objects become null here; JSON.stringify then drops
 * undefined and functions and turns NaN and ±Infinity into null, so one bad prop never costs
 * the whole batch at the Worker.
 */
import { LIMITS } from './limits.js';

/** A prop value: string, finite number, boolean or null (the schema's `PropValue`). */
export type PropValue = string | number | boolean | null;
export type Props = Record<string, PropValue>;

/** Keys cut to 64 characters (an empty one becomes `_`), string values to 256, objects to null. */
export const cleanProps = (input: object | undefined): Props | undefined =>
  input &&
  (Object.fromEntries(
    Object.entries(input)
      .slice(0, LIMITS.maxProps)
      .map(([key, value]: [string, unknown]) => [
        key.slice(0, LIMITS.propKey) || '_',
        typeof value === 'string'
          ? value.slice(0, LIMITS.propValue)
          : typeof value === 'object'
            ? null
            : value,
      ]),
  ) as Props);
