/* global window */
// The documented stub, loaded before the tracker: calls made now run once it has loaded.
window.sightline =
  window.sightline ||
  function () {
    (window.sightline.q = window.sightline.q || []).push(arguments);
  };
window.sightline('track', 'early', { queued: true });
window.sightline('notFound');
