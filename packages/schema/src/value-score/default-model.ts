/**
 * The model fitted on the UCI Online Shoppers sessions by scripts/fit-value-score.ts. Refit on
 * your own conversions for scores that describe your site (docs/value-score.md).
 */
import model from './model.json';
import type { ValueModel } from './types.js';

// model.json is written by the fit script and checked by parseValueModel in the tests.
export const defaultValueModel: ValueModel = model as ValueModel;
