/** The ingest Worker as `wrangler dev` runs it: one launcher shared with the dashboard's tests. */
export { startIngestWorker, type IngestWorker } from '@sightline/ingest-worker';
