#!/usr/bin/env node
// `pnpm devstack <command>`: the @sightline/devstack CLI (see packages/devstack/README.md).
await import(new URL('../../packages/devstack/bin/sightline-devstack.js', import.meta.url).href);
