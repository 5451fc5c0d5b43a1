/** Serves the built dashboard (and an in-memory /config.json): one server shared with e2e/. */
export { serveDist, type StaticServer } from '@sightline/static-server';
