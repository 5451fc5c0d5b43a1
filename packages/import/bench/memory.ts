/**
 * Streams a large generated export through readExport and prints peak heap and RSS as JSON.
 * Run with a small heap to show the reader is bounded:
 *   node --max-old-space-size=64 --import tsx bench/memory.ts plausible 1000000
 */
import { readExport } from '../src/index.js';
import { plausibleZipStream, textStream, umamiEvents } from './generate.js';

const [kind = 'plausible', count = '1000000'] = process.argv.slice(2);
const n = Number(count);
let peakHeap = 0;
const sample = () => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed));
const timer = setInterval(sample, 20);
const started = performance.now();
const reader =
  kind === 'umami'
    ? readExport(textStream(umamiEvents(n)), {
        name: 'website_event.csv',
        timeZone: 'Europe/Berlin',
      })
    : readExport(plausibleZipStream(n), { name: 'export.zip' });
let records = 0;
for await (const _ of reader) {
  records++;
  if ((records & 0xfff) === 0) sample();
}
clearInterval(timer);
sample();
console.log(
  JSON.stringify({
    kind,
    rows: reader.summary!.files.reduce((s, f) => s + f.rows, 0),
    records,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    peakHeapMB: Math.round(peakHeap / 2 ** 20),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
