/**
 * Set at build time (tsup's `define`): true in the full builds (dist/sightline.js, dist/full.js),
 * false in the core builds (dist/sightline.core.js, dist/index.js). The minifier drops every
 * branch a build does not take, so one source makes both and the core ships none of the rest.
 */
declare const SIGHTLINE_FULL: boolean;

/**
 * Set at build time: true in the script-tag builds, false in the ESM builds. The full script
 * tag loads web vitals as a second file (dist/sightline.vitals.js) on pages that ask for them;
 * the full ESM build has them inline.
 */
declare const SIGHTLINE_SCRIPT: boolean;
