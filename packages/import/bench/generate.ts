/**
 * Large exports generated on the fly (never held whole in memory): a Plausible zip whose
 * imported_pages table has `rows` rows (1,000 pages a day), and Umami events in time order.
 */
import { writeZip } from '../src/index.js';

const encoder = new TextEncoder();
const DAY = 86_400_000;
const day = (i: number) => new Date(Date.UTC(2020, 0, 1) + i * DAY).toISOString().slice(0, 10);

/** CSV text of imported_pages, in chunks of ~1,000 rows. */
export function* plausiblePages(rows: number): Generator<string> {
  yield '"date","hostname","page","visits","visitors","pageviews","total_time_on_page"\n';
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const d = Math.floor(i / 1000);
    const p = i % 1000;
    chunk += `"${day(d)}","example.com","/section-${p % 37}/page-${p}",${(p % 50) + 2},${(p % 50) + 1},${(p % 90) + 3},${p * 7}\n`;
    if (chunk.length > 64_000) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** The pages table as Plausible's zip (stored entries with data descriptors), streamed. */
export function plausibleZipStream(rows: number): ReadableStream<Uint8Array> {
  const days = Math.ceil(rows / 1000);
  return writeZip(
    [
      {
        name: `imported_pages_20200101_${day(days - 1).replaceAll('-', '')}.csv`,
        data: plausiblePages(rows),
      },
    ],
    { method: 'store' },
  );
}

/** Umami events (import view, Umami 2.x layout) in time order: visits of 4 events. */
export function* umamiEvents(events: number): Generator<string> {
  yield 'website_id,session_id,visit_id,event_id,hostname,browser,os,device,screen,language,country,subdivision1,subdivision2,city,url_path,url_query,referrer_path,referrer_query,referrer_domain,page_title,event_type,event_name,created_at\n';
  let chunk = '';
  const start = Date.UTC(2024, 0, 1);
  // ~33,000 events a day, so 1 M events span about a month.
  const step = 2600;
  for (let i = 0; i < events; i++) {
    const visit = Math.floor(i / 4);
    const at = new Date(start + i * step).toISOString().slice(0, 19).replace('T', ' ');
    const session = visit % 5000;
    const type = i % 4 === 3 ? 2 : 1;
    chunk += `"w","s${session}","v${visit}","e${i}","example.com","chrome","Mac OS","laptop","1440x900","en","DE","DE-BE","","Berlin","/p${(i * 7) % 300}","","","","${i % 4 === 0 ? 'www.google.com' : ''}","T","${type}","${type === 2 ? 'signup' : ''}","${at}"\n`;
    if (chunk.length > 64_000) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

export function textStream(parts: Iterable<string>): ReadableStream<Uint8Array> {
  const iterator = parts[Symbol.iterator]();
  return new ReadableStream({
    pull(controller) {
      const step = iterator.next();
      if (step.done) controller.close();
      else controller.enqueue(encoder.encode(step.value));
    },
  });
}
