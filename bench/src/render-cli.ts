// Re-renders docs/benchmarks.md from the results already on disk (no benchmark runs).
import { writeBenchmarksDoc } from './render.js';

process.stdout.write(`wrote ${await writeBenchmarksDoc()}\n`);
