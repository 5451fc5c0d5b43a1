#!/usr/bin/env node
// `pnpm sightline <command>`: the database CLI (dashboard tokens; see docs/database.md).
await import(new URL('../../supabase/bin/sightline.js', import.meta.url).href);
