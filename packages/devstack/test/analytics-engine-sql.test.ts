/**
 * Conformance of the local Analytics Engine with Cloudflare's SQL API and SQL reference: the
 * reference's own example queries answer in Analytics Engine's shapes, and every construct the
 * reference does not have is refused (with the same error shape), injection attempts included.
 * The engine is the real one (chdb in its own process) behind its real HTTP interface.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TOKEN, startTestEngine, type TestEngine } from './analytics-engine-helpers.js';

let t: TestEngine;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = Date.now();

beforeAll(async () => {
  t = await startTestEngine();
  const written = await t.write('temperatures', [
    {
      indexes: ['berlin'],
      blobs: ['probe-a', 'error: disk'],
      doubles: [21.5, 10, -2],
      timestamp: now - HOUR,
    },
    {
      indexes: ['berlin'],
      blobs: ['probe-a', 'ok'],
      doubles: [22.5, 12, 3],
      timestamp: now - 2 * HOUR,
    },
    // One stored point standing for two (a sampled write).
    {
      indexes: ['paris'],
      blobs: ['probe-b', 'ok'],
      doubles: [18, 11, 0],
      timestamp: now - 3 * HOUR,
      sampleInterval: 2,
    },
    {
      indexes: ['oslo'],
      blobs: ['probe-c', 'DEBUG: fan'],
      doubles: [-4, 1, -8],
      timestamp: now - 3 * DAY,
    },
    { indexes: ['oslo'], blobs: ['probe-c', 'ok'], doubles: [-6, 2, 5], timestamp: now - 10 * DAY },
  ]);
  expect(written).toEqual({ status: 200, body: { written: 5 } });
});

afterAll(async () => {
  await t?.cleanup();
});

describe('answers shaped as the SQL API documents them', () => {
  it('JSON (the default): meta, data and rows', async () => {
    const answer = await t.sql("SELECT 'Hello Workers Analytics Engine' AS message");
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text)).toEqual({
      meta: [{ name: 'message', type: 'String' }],
      data: [{ message: 'Hello Workers Analytics Engine' }],
      rows: 1,
    });
  });

  it('rows_before_limit_at_least where a LIMIT applies', async () => {
    const r = await t.json('SELECT blob1 FROM temperatures ORDER BY double1 LIMIT 2');
    expect(r.rows).toBe(2);
    expect(r.rows_before_limit_at_least).toBe(5);
    expect(Object.keys(r)).toEqual(['meta', 'data', 'rows', 'rows_before_limit_at_least']);
  });

  it('JSONEachRow: one object per line, no meta', async () => {
    const answer = await t.sql(
      'SELECT index1 AS location_id, SUM(_sample_interval) AS n FROM temperatures GROUP BY index1 ORDER BY index1 FORMAT JSONEachRow',
    );
    expect(
      answer.text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      { location_id: 'berlin', n: '2' },
      { location_id: 'oslo', n: '2' },
      { location_id: 'paris', n: '2' },
    ]);
  });

  it('TabSeparated: tab-separated columns, no header', async () => {
    const answer = await t.sql(
      "SELECT index1, double1 FROM temperatures WHERE index1 = 'berlin' ORDER BY double1 FORMAT TabSeparated",
    );
    expect(answer.text).toBe('berlin\t21.5\nberlin\t22.5\n');
  });

  it('64-bit numbers as strings, smaller ones as numbers, as Analytics Engine answers them', async () => {
    const r = await t.json(
      "SELECT count() AS c, sum(double1) AS s, toUInt8(7) AS small, toUInt32(70000) AS mid FROM temperatures WHERE index1 = 'berlin'",
    );
    expect(r.meta.map((m) => m.type)).toEqual(['UInt64', 'Float64', 'UInt8', 'UInt32']);
    expect(r.data).toEqual([{ c: '2', s: '44', small: 7, mid: 70000 }]);
  });

  it('one table per dataset with Analytics Engine columns, listed by SHOW TABLES', async () => {
    expect((await t.json('SHOW TABLES')).data).toEqual([{ dataset: 'temperatures' }]);
    const r = await t.json("SELECT * FROM temperatures WHERE index1 = 'paris'");
    expect(r.meta.map((m) => `${m.name} ${m.type}`)).toEqual([
      'dataset String',
      'timestamp DateTime',
      '_sample_interval UInt32',
      'index1 String',
      ...Array.from({ length: 20 }, (_, i) => `blob${i + 1} String`),
      ...Array.from({ length: 20 }, (_, i) => `double${i + 1} Float64`),
    ]);
    expect(r.data[0]).toMatchObject({
      dataset: 'temperatures',
      _sample_interval: 2,
      blob1: 'probe-b',
      blob3: '',
      double4: '0',
    });
  });

  it('SHOW TIMEZONE answers Etc/UTC; SHOW TIMEZONES lists them', async () => {
    expect((await t.json('SHOW TIMEZONE')).data).toEqual([{ timezone: 'Etc/UTC' }]);
    const zones = (await t.json<{ timezone: string }>('SHOW TIMEZONES')).data.map(
      (z) => z.timezone,
    );
    expect(zones).toEqual(expect.arrayContaining(['Etc/UTC', 'America/New_York', 'Europe/Berlin']));
  });
});

describe("the SQL reference's example queries", () => {
  it('select data with column aliases (last day)', async () => {
    const r =
      await t.json(`SELECT timestamp, blob1 AS location_id, double1 AS inside_temp, double2 AS outside_temp
      FROM temperatures WHERE timestamp > NOW() - INTERVAL '1' DAY`);
    expect(r.rows).toBe(3);
    expect(r.meta.map((m) => m.name)).toEqual([
      'timestamp',
      'location_id',
      'inside_temp',
      'outside_temp',
    ]);
  });

  it('aggregation taking the sample interval into account', async () => {
    const counts = await t.json(`SELECT index1 AS location_id, SUM(_sample_interval) AS n_readings
      FROM temperatures WHERE timestamp > NOW() - INTERVAL '7' DAY GROUP BY index1 ORDER BY location_id`);
    expect(counts.data).toEqual([
      { location_id: 'berlin', n_readings: '2' },
      { location_id: 'oslo', n_readings: '1' },
      { location_id: 'paris', n_readings: '2' },
    ]);
    const averages = await t.json(`SELECT index1 AS location_id,
        SUM(_sample_interval * double1) / SUM(_sample_interval) AS average_temp
      FROM temperatures WHERE timestamp > NOW() - INTERVAL '7' DAY GROUP BY index1 ORDER BY location_id`);
    expect(averages.data).toEqual([
      { location_id: 'berlin', average_temp: '22' },
      { location_id: 'oslo', average_temp: '-4' },
      { location_id: 'paris', average_temp: '18' },
    ]);
  });

  it('computed columns, if() and an aggregate', async () => {
    const r = await t.json(`SELECT blob1 AS probe_name, double3 AS temp_c, double3*1.8+32 AS temp_f,
        if(double3 <= 0, 'FREEZING', 'NOT FREEZING') AS description
      FROM temperatures WHERE index1 = 'berlin' ORDER BY double3`);
    expect(r.data).toEqual([
      { probe_name: 'probe-a', temp_c: '-2', temp_f: '28.4', description: 'FREEZING' },
      { probe_name: 'probe-a', temp_c: '3', temp_f: '37.4', description: 'NOT FREEZING' },
    ]);
  });

  it('FROM a subquery', async () => {
    const r = await t.json(`SELECT probe_name, num_readings FROM (
        SELECT blob1 AS probe_name, count() as num_readings FROM temperatures GROUP BY probe_name
      ) WHERE num_readings > 1 ORDER BY probe_name`);
    expect(r.data).toEqual([
      { probe_name: 'probe-a', num_readings: '2' },
      { probe_name: 'probe-c', num_readings: '2' },
    ]);
  });

  it('WHERE with operators, functions and inequalities', async () => {
    const where = async (condition: string) =>
      (await t.json<{ n: string }>(`SELECT count() AS n FROM temperatures WHERE ${condition}`))
        .data[0]!.n;
    expect(await where("blob1 = 'probe-a'")).toBe('2');
    expect(await where('double1 > 4')).toBe('3');
    expect(await where('double1 + double2 > 30')).toBe('2');
    expect(await where("blob1 = 'probe-b' OR blob2 = 'DEBUG: fan'")).toBe('2');
    expect(await where("if(index1 = 'oslo', double1 - 100, double1) <= 0")).toBe('2');
    expect(await where("index1 IN ('paris', 'oslo') AND NOT index1 NOT IN ('oslo')")).toBe('2');
    expect(await where('double1 BETWEEN -5 AND 20')).toBe('2');
    expect(await where('double1 NOT BETWEEN -5 AND 20')).toBe('3');
  });

  it('GROUP BY with HAVING, on an alias and on count()', async () => {
    const avg =
      await t.json(`SELECT blob1 AS probe_name, avg(double1) AS average_temp FROM temperatures
      GROUP BY probe_name HAVING average_temp > 10 ORDER BY probe_name`);
    expect(avg.data).toEqual([
      { probe_name: 'probe-a', average_temp: '22' },
      { probe_name: 'probe-b', average_temp: '18' },
    ]);
    const many = await t.json(
      'SELECT blob1 AS probe_name, count() AS num_readings FROM temperatures GROUP BY probe_name HAVING num_readings > 1',
    );
    expect(many.rows).toBe(2);
  });

  it('LIKE, NOT LIKE, ILIKE, NOT ILIKE', async () => {
    const n = async (condition: string) =>
      (await t.json<{ n: string }>(`SELECT count() AS n FROM temperatures WHERE ${condition}`))
        .data[0]!.n;
    expect(await n("blob2 LIKE 'error%'")).toBe('1');
    expect(await n("blob2 ILIKE '%debug%'")).toBe('1');
    expect(await n("blob2 NOT ILIKE '%debug%'")).toBe('4');
    expect(await n("blob1 LIKE 'probe_'")).toBe('0');
    expect(await n("blob1 NOT LIKE 'probe-_'")).toBe('0');
  });

  it('ORDER BY … DESC, LIMIT, LIMIT ALL, OFFSET', async () => {
    const order = await t.json<{ double1: string }>(
      'SELECT double1 FROM temperatures ORDER BY double2, double3 DESC LIMIT 3',
    );
    expect(order.data.map((r) => r.double1)).toEqual(['-4', '-6', '21.5']);
    expect((await t.json('SELECT double1 FROM temperatures LIMIT ALL')).rows).toBe(5);
    expect(
      (await t.json('SELECT double1 FROM temperatures ORDER BY double1 LIMIT 10 OFFSET 3')).rows,
    ).toBe(2);
  });
});

describe('the functions of the reference, as it describes them', () => {
  const cases: [string, unknown][] = [
    ['count(DISTINCT blob1)', '3'],
    ['sum(DISTINCT double2)', '36'],
    ['avg(DISTINCT _sample_interval)', '1.5'],
    ['min(double1)', '-6'],
    ['max(double1)', '22.5'],
    ["countIf(index1 = 'berlin')", '2'],
    ["sumIf(double1, index1 = 'berlin')", '44'],
    ["avgIf(double1, index1 = 'oslo')", '-5'],
    ['quantileExactWeighted(0.5)(double1, _sample_interval)', '18'],
    ['quantileWeighted(0.5, double1, _sample_interval)', '18'],
    ['argMax(blob1, double1)', 'probe-a'],
    ['argMin(index1, double1)', 'oslo'],
    ['topK(1)(blob2)', ['ok']],
    ['topK(blob2)', ['ok', 'error: disk', 'DEBUG: fan']],
    ['topKWeighted(1)(blob2, _sample_interval)', ['ok']],
    ['bitAnd(1, 3)', 1],
    ['bitCount(toUInt32(7))', 3],
    ['bitHammingDistance(3, 0)', 2],
    ['bitOr(1, 2)', 3],
    ['bitRotateLeft(128, 1)', 1],
    ['bitRotateRight(1, 1)', 128],
    ['bitShiftLeft(1, 1)', 2],
    ['bitShiftRight(12, 2)', 3],
    ['bitTest(3, 1)', 1],
    ['bitXor(3, 3)', 0],
    [
      "formatDateTime(toDateTime('2022-12-01 16:17:00', 'America/New_York'), '%Y-%m-%d %H:%i', 'Etc/UTC')",
      '2022-12-01 21:17',
    ],
    ["toYear(toDateTime('2025-10-27 00:00:00'))", 2025],
    ["toMonth(toDateTime('2025-10-27 00:00:00'))", 10],
    ["toDayOfWeek(toDateTime('2025-11-02 00:00:00'))", 7],
    ["toDayOfMonth(toDateTime('2025-10-27 00:00:00'))", 27],
    ["toHour(toDateTime('2025-10-27 09:11:13'))", 9],
    ["toMinute(toDateTime('2025-10-27 09:11:13'))", 11],
    ["toSecond(toDateTime('2025-10-27 09:11:13'))", 13],
    ["toUnixTimestamp(toDateTime('1981-04-12 12:00:04'))", 355924804],
    ['toDateTime(355924804)', '1981-04-12 12:00:04'],
    [
      "toStartOfInterval(toDateTime('2025-10-27 16:55:25'), INTERVAL '15' MINUTE)",
      '2025-10-27 16:45:00',
    ],
    ["toStartOfYear(toDateTime('2025-10-27 00:00:00'))", '2025-01-01'],
    ["toStartOfMonth(toDateTime('2025-10-27 00:00:00'))", '2025-10-01'],
    // Monday, as the reference says (ClickHouse's own toStartOfWeek would give Sunday the 26th).
    ["toStartOfWeek(toDateTime('2025-10-29 00:00:00'))", '2025-10-27'],
    ["toStartOfDay(toDateTime('2025-10-27 16:55:25'))", '2025-10-27 00:00:00'],
    ["toStartOfHour(toDateTime('2025-10-27 16:55:25'))", '2025-10-27 16:00:00'],
    ["toStartOfFifteenMinutes(toDateTime('2025-10-27 16:55:25'))", '2025-10-27 16:45:00'],
    ["toStartOfTenMinutes(toDateTime('2025-10-27 16:55:25'))", '2025-10-27 16:50:00'],
    ["toStartOfFiveMinutes(toDateTime('2025-10-27 16:55:25'))", '2025-10-27 16:55:00'],
    ["toStartOfMinute(toDateTime('2025-10-27 16:55:25'))", '2025-10-27 16:55:00'],
    ["toYYYYMM(toDateTime('2025-10-27 16:55:25'))", 202510],
    ['bin(1)', '00000001'],
    ["hex('abc')", '616263'],
    ['intDiv(7, 2)', 3],
    ['log(1)', '0'],
    ['ln(1)', '0'],
    ['pow(2, 3)', '8'],
    ['round(3.14, 1)', '3.1'],
    ['floor(5.5)', '5'],
    ['ceil(3.14, 1)', '3.2'],
    // Code points, not bytes: "the equivalent of ClickHouse's lengthUTF8".
    ["length('zürich')", '6'],
    ["empty('')", 1],
    ["lower('STRING')", 'string'],
    ["lowerUTF8('ÄÖÜ')", 'äöü'],
    ["toLower('ÄB')", 'äb'],
    ["upper('string')", 'STRING'],
    ["upperUTF8('äöü')", 'ÄÖÜ'],
    ["toUpper('äb')", 'ÄB'],
    ["startsWith('prefix ...', 'prefix')", 1],
    ["endsWith('prefix suffix', 'suffix')", 1],
    ["position(':' IN 'hello: world')", '6'],
    ["substring('hello world', 7)", 'world'],
    ["substring('zürich', 2, 3)", 'üri'],
    ["format('blob1: {}', 'x')", 'blob1: x'],
    ["extract(SECOND from toDateTime('2022-06-06 11:30:15'))", 15],
    ["toUInt8('5')", 5],
    ['toUInt32(42.7)', 42],
    ['true AND NOT false', true],
    ['7 % 3', 1],
    ['-42', -42],
  ];
  it.each(cases)('%s', async (expression, expected) => {
    const r = await t.json<{ v: unknown }>(`SELECT ${expression} AS v FROM temperatures LIMIT 1`);
    expect(r.data[0]!.v).toEqual(expected);
  });

  it('now() and today() are the current time and date (UTC)', async () => {
    const r = await t.json<{ n: string; d: string }>(
      'SELECT toUnixTimestamp(now()) AS n, today() AS d',
    );
    expect(Math.abs(Number(r.data[0]!.n) * 1000 - Date.now())).toBeLessThan(60_000);
    expect(r.data[0]!.d).toBe(new Date().toISOString().slice(0, 10));
  });
});

describe('constructs the reference does not have are refused, as Analytics Engine refuses them', () => {
  const refused: [string, string][] = [
    [
      'SELECT * FROM temperatures JOIN temperatures AS t2 ON t2.index1 = temperatures.index1',
      'UNSUPPORTED_CONSTRUCT',
    ],
    ['SELECT * FROM temperatures, temperatures AS t2', 'UNSUPPORTED_CONSTRUCT'],
    [
      'SELECT blob1 FROM temperatures UNION ALL SELECT blob2 FROM temperatures',
      'UNSUPPORTED_CONSTRUCT',
    ],
    [
      'SELECT blob1 FROM temperatures WHERE blob1 IN (SELECT blob1 FROM temperatures)',
      'UNSUPPORTED_CONSTRUCT',
    ],
    ['SELECT (SELECT 1) AS x', 'UNSUPPORTED_CONSTRUCT'],
    ['WITH 1 AS x SELECT x', 'UNSUPPORTED_STATEMENT'],
    ['SELECT name FROM system.tables', 'UNSUPPORTED_CONSTRUCT'],
    ['SELECT * FROM numbers(10)', 'UNSUPPORTED_FUNCTION'],
    ["SELECT * FROM file('/etc/passwd', 'LineAsString')", 'UNSUPPORTED_FUNCTION'],
    ["SELECT * FROM url('http://127.0.0.1/', 'LineAsString')", 'UNSUPPORTED_FUNCTION'],
    ['SELECT * FROM other_dataset', 'UNKNOWN_DATASET'],
    ['SELECT temperatures.blob1 FROM temperatures', 'UNSUPPORTED_CONSTRUCT'],
    ["INSERT INTO temperatures (index1) VALUES ('x')", 'UNSUPPORTED_STATEMENT'],
    ['CREATE TABLE x (a String) ENGINE = Memory', 'UNSUPPORTED_STATEMENT'],
    ['DROP TABLE temperatures', 'UNSUPPORTED_STATEMENT'],
    ['ALTER TABLE temperatures DELETE WHERE 1', 'UNSUPPORTED_STATEMENT'],
    ['TRUNCATE TABLE temperatures', 'UNSUPPORTED_STATEMENT'],
    ['SET max_threads = 1', 'UNSUPPORTED_STATEMENT'],
    ['USE system', 'UNSUPPORTED_STATEMENT'],
    ['EXPLAIN SELECT 1', 'UNSUPPORTED_STATEMENT'],
    ['DESCRIBE temperatures', 'UNSUPPORTED_STATEMENT'],
    ['SHOW DATABASES', 'UNSUPPORTED_STATEMENT'],
    ['SHOW CREATE TABLE temperatures', 'UNSUPPORTED_STATEMENT'],
    ['SELECT count() FROM temperatures SETTINGS max_threads = 1', 'UNSUPPORTED_CONSTRUCT'],
    ['SELECT DISTINCT blob1 FROM temperatures', 'UNSUPPORTED_CONSTRUCT'],
    ['SELECT blob1 FROM temperatures LIMIT 1 BY blob1', 'UNSUPPORTED_CONSTRUCT'],
    ['SELECT blob1 FROM temperatures FINAL', 'UNSUPPORTED_CONSTRUCT'],
    ['SELECT blob1 FROM temperatures SAMPLE 0.5', 'UNSUPPORTED_CONSTRUCT'],
    ['SELECT blob1 FROM temperatures PREWHERE 1', 'UNSUPPORTED_CONSTRUCT'],
    ['SELECT x FROM temperatures ARRAY JOIN [1, 2] AS x', 'UNSUPPORTED_CONSTRUCT'],
    ['SELECT count() OVER () FROM temperatures', 'UNSUPPORTED_CONSTRUCT'],
    ['SELECT count() FROM temperatures GROUP BY blob1 WITH TOTALS', 'UNSUPPORTED_CONSTRUCT'],
    ["SELECT CASE WHEN double1 > 0 THEN 'warm' END FROM temperatures", 'UNSUPPORTED_CONSTRUCT'],
    ['SELECT CAST(double1 AS String) FROM temperatures', 'UNSUPPORTED_FUNCTION'],
    ['SELECT double1::String FROM temperatures', 'UNSUPPORTED_CONSTRUCT'],
    ['SELECT [1, 2] AS a', 'UNSUPPORTED_CONSTRUCT'],
    ['SELECT (1, 2) AS a', 'UNSUPPORTED_CONSTRUCT'],
    ["SELECT 'a' || 'b'", 'UNSUPPORTED_CONSTRUCT'],
    ['SELECT NULL', 'UNSUPPORTED_CONSTRUCT'],
    ['SELECT blob1 FROM temperatures WHERE blob1 IS NULL', 'UNSUPPORTED_CONSTRUCT'],
    ['SELECT toString(double1) FROM temperatures', 'UNSUPPORTED_FUNCTION'],
    ['SELECT uniq(blob1) FROM temperatures', 'UNSUPPORTED_FUNCTION'],
    ['SELECT quantile(0.5)(double1) FROM temperatures', 'UNSUPPORTED_FUNCTION'],
    ["SELECT multiIf(double1 > 0, 'a', 'b') FROM temperatures", 'UNSUPPORTED_FUNCTION'],
    ["SELECT coalesce(blob1, 'x') FROM temperatures", 'UNSUPPORTED_FUNCTION'],
    ['SELECT toDate(timestamp) FROM temperatures', 'UNSUPPORTED_FUNCTION'],
    ['SELECT plus(1, 2)', 'UNSUPPORTED_FUNCTION'],
    ['SELECT sleep(1)', 'UNSUPPORTED_FUNCTION'],
    ['SELECT currentDatabase()', 'UNSUPPORTED_FUNCTION'],
    ["SELECT getSetting('readonly')", 'UNSUPPORTED_FUNCTION'],
    ['SELECT arrayMap(x -> x, [1])', 'UNSUPPORTED_FUNCTION'],
    ['SELECT min(DISTINCT double1) FROM temperatures', 'UNSUPPORTED_CONSTRUCT'],
    ['SELECT argMax(1)(blob1, double1) FROM temperatures', 'UNSUPPORTED_CONSTRUCT'],
    ['SELECT blob1 FROM temperatures FORMAT CSV', 'UNSUPPORTED_FORMAT'],
    ['SELECT blob1 FROM temperatures FORMAT JSON LIMIT 1', 'UNSUPPORTED_CONSTRUCT'],
    ["SELECT now() - INTERVAL '1' WEEK", 'UNSUPPORTED_CONSTRUCT'],
    ['SELECT now() - INTERVAL 1 DAY', 'UNSUPPORTED_CONSTRUCT'],
    ['SELECT toIntervalDay(1)', 'UNSUPPORTED_FUNCTION'],
    ['SELECT 0x1F', 'SYNTAX_ERROR'],
    ['SELECT $$x$$', 'SYNTAX_ERROR'],
    ['SELECT 1 # comment', 'SYNTAX_ERROR'],
    ['SELECT blob1 FROM temperatures WHERE', 'SYNTAX_ERROR'],
    ['SELECT', 'SYNTAX_ERROR'],
    ['', 'EMPTY_QUERY'],
    [`SELECT '${'x'.repeat(10_000)}'`, 'QUERY_TOO_LONG'],
  ];
  it.each(refused)('%s', async (query, code) => {
    const answer = await t.sql(query);
    expect(answer.status).toBe(422);
    expect(answer.contentType).toMatch(/^text\/plain/);
    expect(answer.text).toMatch(/^Input was invalid: ./);
    expect(answer.code).toBe(code);
  });

  it('a refusal names what is unsupported', async () => {
    expect((await t.sql('SELECT uniq(blob1) FROM temperatures')).text).toBe(
      'Input was invalid: unknown function uniq',
    );
    expect((await t.sql("SELECT CASE WHEN 1 THEN 'a' END")).text).toContain(
      'CASE expressions (use if())',
    );
  });
});

describe('injection attempts run nothing but the one checked SELECT', () => {
  const attempts = [
    "SELECT 'x'; DROP TABLE temperatures",
    "SELECT 'x';\nINSERT INTO temperatures (index1) VALUES ('evil')",
    // A quoted name is still a function call to ClickHouse: caught by the AST check.
    "SELECT `file`('/etc/passwd')",
    'SELECT "numbers"(10)',
    'SELECT * FROM `system`.`tables`',
    'SELECT * FROM "system.tables"',
    "SELECT 1 -- comment\n, file('/etc/passwd')",
    "SELECT 1 /* /* */ , file('/etc/passwd') */",
    "SELECT 'a' FROM temperatures WHERE blob1 = '' OR 1 = 1; DROP TABLE temperatures --'",
    "SELECT ｆile('x')",
    'SELECT 1 AS `a\nb`',
    "SELECT formatQuery('SELECT 1')",
    "SELECT * FROM temperatures WHERE index1 = 'x' UNION ALL SELECT * FROM temperatures",
  ];
  it.each(attempts)('%s', async (query) => {
    const answer = await t.sql(query);
    expect(answer.status).toBe(422);
  });

  it('quotes and backslashes inside strings stay inside the string', async () => {
    const tricky = "a\\' , file(\\'/etc/passwd\\') -- ";
    const r = await t.json<{ s: string }>(`SELECT '${tricky}' AS s`);
    expect(r.data).toEqual([{ s: "a' , file('/etc/passwd') -- " }]);
    const doubled = await t.json<{ s: string }>("SELECT 'it''s; DROP TABLE temperatures' AS s");
    expect(doubled.data).toEqual([{ s: "it's; DROP TABLE temperatures" }]);
    const trailing = await t.json<{ s: string }>("SELECT 'ends with a backslash \\\\' AS s");
    expect(trailing.data).toEqual([{ s: 'ends with a backslash \\' }]);
  });

  it('the data is untouched afterwards', async () => {
    expect((await t.json('SELECT count() AS n FROM temperatures')).data).toEqual([{ n: '5' }]);
    expect((await t.json('SHOW TABLES')).data).toEqual([{ dataset: 'temperatures' }]);
  });
});

describe('the API around the queries', () => {
  it('refuses a missing or wrong token and another account with Cloudflare’s error envelope', async () => {
    for (const answer of [await t.sql('SELECT 1', 'wrong-token'), await t.sql('SELECT 1', '')]) {
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.text)).toEqual({
        result: null,
        success: false,
        errors: [{ code: 10000, message: 'Authentication error' }],
        messages: [],
      });
    }
    const other = await fetch(
      `${t.base}/client/v4/accounts/ffffffffffffffffffffffffffffffff/analytics_engine/sql`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${API_TOKEN}` },
        body: 'SELECT 1',
      },
    );
    expect(other.status).toBe(403);
  });

  it('answers other methods and paths as Cloudflare’s API does', async () => {
    const get = await fetch(`${t.base}/client/v4/accounts/x/analytics_engine/sql`);
    expect(get.status).toBe(405);
    const unknown = await fetch(`${t.base}/client/v4/zones`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { errors: { code: number }[] }).errors[0]!.code).toBe(7003);
  });
});
