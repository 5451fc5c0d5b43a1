/**
 * The value score's public types: what a live visitor's state holds (`VisitFeatures`) and the
 * fitted model artefact (`ValueModel`, the shape of model.json). See docs/value-score.md.
 */

/** Referrer class the ingest Worker derives from the Referer header and UTM tags. */
export type SourceClass = 'search' | 'social' | 'ai' | 'email' | 'direct' | 'other';

/** Device class the ingest Worker derives from the user agent. */
export type DeviceClass = 'desktop' | 'mobile' | 'tablet' | 'other';

/** Page views and engaged time within one content group the site declares. */
export interface GroupActivity {
  views: number;
  engagedMs: number;
}

/**
 * What the SiteLive Durable Object knows about one visit when it scores it. Every field is
 * observed without cookies or fingerprinting; anything missing or malformed falls back to a
 * neutral default (see `normaliseVisit`), so scoring never throws.
 */
export interface VisitFeatures {
  /** Page views in the visit so far (all groups). */
  pageviews: number;
  /** Engaged (foreground, active) time in the visit so far, in milliseconds. */
  engagedMs: number;
  /** Views and engaged time per declared content group, keyed by group name (case-insensitive). */
  pagesByGroup?: Record<string, GroupActivity>;
  /** The visitor id (localStorage) existed before this visit. */
  returning: boolean;
  sourceClass?: SourceClass;
  device?: DeviceClass;
  /** Operating system name as the Worker's UA parser reports it, e.g. 'Windows', 'iOS'. */
  os?: string;
  /** Browser name as the Worker's UA parser reports it, e.g. 'Chrome', 'Safari'. */
  browser?: string;
  /** The visit started on a Saturday or Sunday (site's time zone, else UTC). */
  weekend: boolean;
  /** Calendar month the visit started in, 1..12. */
  month: number;
}

/** A logistic regression: probability = sigmoid(intercept + Σ weights[i] · x[features[i]]). */
export interface LogisticModel {
  kind: 'logistic';
  intercept: number;
  weights: number[];
}

/**
 * An additive ensemble of shallow regression trees on the logit scale. Each tree is a flat node
 * list: `[featureIndex, threshold, leftIndex, rightIndex]` splits (x < threshold goes left) and
 * `[value]` leaves; node 0 is the root.
 */
export interface TreesModel {
  kind: 'trees';
  base: number;
  trees: number[][][];
}

/** Platt scaling of the raw logit: p = sigmoid(a · logit + b). */
export interface PlattCalibration {
  a: number;
  b: number;
}

/** The fitted artefact that ships as model.json; a site's refit produces the same shape. */
export type ValueModel = {
  version: 1;
  /** Feature names in vector order; the grammar is documented in features.ts. */
  features: string[];
  /** Content groups the model was fitted with, in lower case. */
  groups: string[];
  /** Group that receives all activity when a visit carries no `pagesByGroup`. */
  defaultGroup: string;
  calibration?: PlattCalibration;
  /** Free-form provenance: data set, fit command, CV AUC. Not read by the scorer. */
  meta?: Record<string, unknown>;
} & (LogisticModel | TreesModel);
