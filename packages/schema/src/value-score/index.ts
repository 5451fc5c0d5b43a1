/**
 * `@sightline/schema/value-score`: the visitor value score, a conversion model fitted
 * on real sessions, using only what the tracker observes without cookies.
 */
export { scoreVisit, predictConversion } from './score.js';
export { defaultValueModel } from './default-model.js';
export { parseValueModel, ValueModelError, type ValueModelErrorCode } from './validate.js';
export { normaliseVisit, type NormalisedVisit } from './normalise.js';
export { compileFeature, extract, type Extractor } from './features.js';
export type {
  VisitFeatures,
  GroupActivity,
  SourceClass,
  DeviceClass,
  ValueModel,
  LogisticModel,
  TreesModel,
  PlattCalibration,
} from './types.js';
