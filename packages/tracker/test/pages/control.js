/* global fetch, location, setTimeout */
// Lets the harness drive a page no DevTools client is attached to (the prerendering scenarios):
// it polls GET /control until the harness answers with a URL, then navigates there.
const poll = () =>
  fetch(`/control?page=${encodeURIComponent(location.pathname)}`, { cache: 'no-store' })
    .then((response) => response.text())
    .then(
      (url) => (url ? location.assign(url) : setTimeout(poll, 50)),
      () => setTimeout(poll, 50),
    );
poll();
