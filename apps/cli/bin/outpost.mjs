#!/usr/bin/env node
// The `outpost` command. Outpost runs its TypeScript sources directly (no build step), so this
// launcher registers tsx's loader and hands over to src/main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
await main();
