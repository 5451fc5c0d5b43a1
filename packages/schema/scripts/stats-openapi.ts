/**
 * The Stats API's OpenAPI 3.1 document, generated from the zod schemas that validate its
 * requests and describe its answers (src/stats-api.ts), so the document cannot drift from the
 * Worker. `pnpm --filter @sightline/schema openapi` writes docs/stats-api.openapi.json;
 * test/stats-openapi.test.ts fails while the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod/mini';
import {
  BreakdownQuery,
  BreakdownResponse,
  LiveResponse,
  OverviewQuery,
  OverviewResponse,
  StatsErrorResponse,
  TimeseriesQuery,
  TimeseriesResponse,
} from '../src/stats-api.js';

export const OPENAPI_PATH = fileURLToPath(
  new URL('../../../docs/stats-api.openapi.json', import.meta.url),
);

const schema = (s: z.core.$ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' });

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const ERRORS = {
  '400': error('`invalid_json`, `invalid_query` (with `issues`), `invalid_range`'),
  '401': error('`invalid_token`, `token_expired`, `invalid_api_key`'),
  '403': error('`not_readable`, `report_hidden`, `live_hidden`'),
  '404': error('`unknown_site`'),
  '422': error('`beyond_retention`, `unsupported_query`: no store answers this report'),
  '429': error('`rate_limited` (API keys; see the RateLimit-* headers and Retry-After)'),
  '503': error('`database_unavailable`, `analytics_engine_unavailable`'),
};

const site = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The site id',
  schema: { type: 'string' },
};

function report(summary: string, request: string, response: string) {
  return {
    post: {
      summary,
      parameters: [site],
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: { $ref: `#/components/schemas/${request}` } },
        },
      },
      responses: {
        '200': {
          description: 'The report, where it came from and whether it is exact',
          content: {
            'application/json': { schema: { $ref: `#/components/schemas/${response}` } },
          },
        },
        ...ERRORS,
      },
    },
  };
}

/** The document, as committed. */
export function statsOpenApi(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sightline Stats API',
      version: '1',
      description:
        "Reports of a site: see docs/stats-api.md. Every request carries `Authorization: Bearer <token>`: a member's access token, a service token, a share pass or a site API key (`sl_key_…`).",
    },
    servers: [{ url: 'https://<your ingest Worker>/api/v1' }],
    security: [{ bearer: [] }],
    paths: {
      '/sites/{id}/overview': report('Totals of a range', 'OverviewQuery', 'OverviewResponse'),
      '/sites/{id}/timeseries': report(
        'Totals per hour or day (buckets with visits)',
        'TimeseriesQuery',
        'TimeseriesResponse',
      ),
      '/sites/{id}/breakdown': report(
        'Totals per value of a dimension',
        'BreakdownQuery',
        'BreakdownResponse',
      ),
      '/sites/{id}/live': {
        get: {
          summary: 'Visitors on the site now',
          parameters: [site],
          responses: {
            '200': {
              description: 'The live count',
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/LiveResponse' } },
              },
            },
            ...ERRORS,
          },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        OverviewQuery: schema(OverviewQuery, 'input'),
        TimeseriesQuery: schema(TimeseriesQuery, 'input'),
        BreakdownQuery: schema(BreakdownQuery, 'input'),
        OverviewResponse: schema(OverviewResponse, 'output'),
        TimeseriesResponse: schema(TimeseriesResponse, 'output'),
        BreakdownResponse: schema(BreakdownResponse, 'output'),
        LiveResponse: schema(LiveResponse, 'output'),
        Error: schema(StatsErrorResponse, 'output'),
      },
    },
  };
}

export const statsOpenApiText = (): string => JSON.stringify(statsOpenApi(), null, 2) + '\n';

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(OPENAPI_PATH, statsOpenApiText());
  console.info(`wrote ${OPENAPI_PATH}`);
}
