/* global window, document, fetch, location, performance, URLSearchParams */
// Loaded after the tracker: reports to the harness (GET /probe) whether the page is being
// prerendered, when it is shown and when it is hidden. While prerendered it also calls the
// tracker and flushes it, so anything the tracker would send then goes out before this report.
const report = (state, fields = {}) =>
  fetch(
    `/probe?${new URLSearchParams({ page: location.pathname, state, at: String(Date.now()), ...fields })}`,
    { cache: 'no-store', keepalive: true },
  );
if (document.prerendering) {
  window.sightline('track', 'while-prerendered');
  window.sightline.flush();
}
report('loaded', { prerendering: String(document.prerendering) });
// When the page was shown, in ms since the epoch like Date.now(): the navigation entry's
// activationStart is relative to the page's time origin.
document.addEventListener('prerenderingchange', () => {
  const { activationStart } = performance.getEntriesByType('navigation')[0];
  report('shown', {
    activationStart: String(activationStart),
    activatedAt: String(performance.timeOrigin + activationStart),
  });
});
document.addEventListener('visibilitychange', () => document.hidden && report('hidden'));
