/* global window */
// The ESM build as a bundler-free app would use it: imported from dist, configured in code.
import { init, track, pageview, notFound, optOut, optIn, flush } from '/index.js';

init({ site: 'esm-site', allowLocalhost: true, allowAutomated: true, flushMs: 50 });
window.esm = { track, pageview, notFound, optOut, optIn, flush };
