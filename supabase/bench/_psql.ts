// Starts the kept bench cluster and runs SQL from argv files (ad hoc analysis, not committed).
import { readFileSync } from 'node:fs';
import { startDevstack } from '@sightline/devstack';
import pg from 'pg';
const stack = await startDevstack({
  dataDir: '/tmp/sl-conv-bench/data',
  migrationsDir: process.cwd() + '/migrations',
});
const db = new pg.Client({ connectionString: stack.dbUrl });
await db.connect();
db.on('notice', (n) => console.log(String(n.message)));
try {
  for (const file of process.argv.slice(2)) {
    const sql = readFileSync(file, 'utf8');
    for (const stmt of sql.split(/;\s*\n\s*\n/)) {
      if (!stmt.trim()) continue;
      const t0 = performance.now();
      const res = await db.query(stmt);
      const rows = Array.isArray(res) ? res.at(-1).rows : res.rows;
      console.log(
        `-- ${(performance.now() - t0).toFixed(1)} ms: ${stmt.trim().slice(0, 80).replace(/\n/g, ' ')}`,
      );
      for (const r of rows.slice(0, 80)) console.log(Object.values(r).join(' | '));
    }
  }
} finally {
  await db.end();
  await stack.stop();
}
