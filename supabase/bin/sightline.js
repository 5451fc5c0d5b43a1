#!/usr/bin/env node
// `pnpm sightline <command>`: dashboard tokens and database deploys (src/cli.ts). tsx loads the
// TypeScript sources, so the command needs no build step after `pnpm install`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
