import { describe, expect, it } from 'vitest';
import { collect } from '../src/testing.js';
import { plausibleFiles, plausibleZip, postgresCsv, UMAMI_HEADER, umamiRows } from './fixtures.js';

describe('smoke', () => {
  it('reads a Plausible zip', async () => {
    const { records, summary } = await collect(await plausibleZip(plausibleFiles()));
    console.log(summary, records.length, records.slice(0, 5));
  });
  it('reads Umami', async () => {
    const csv = postgresCsv(
      UMAMI_HEADER,
      umamiRows([
        {
          session: 's1',
          visit: 'v1',
          at: '2024-01-01 10:00:00',
          path: '/',
          referrer: 'www.google.com',
        },
        { session: 's1', visit: 'v1', at: '2024-01-01 10:01:00', path: '/a' },
        {
          session: 's1',
          visit: 'v1',
          at: '2024-01-01 10:02:00',
          path: '/a',
          type: 2,
          name: 'signup',
        },
        { session: 's2', visit: 'v2', at: '2024-01-01 11:00:00', path: '/' },
      ]),
    );
    const { records, summary } = await collect(new TextEncoder().encode(csv), {
      name: 'umami.csv',
    });
    console.log(summary, records);
    expect(records.length).toBeGreaterThan(0);
  });
});
