#!/usr/bin/env node
// Loads the bundled CLI (built by `npm run build`); nothing else happens here, but for Node's
// compile cache (Node >= 22.1), which makes every later start faster.
import module from 'node:module';

module.enableCompileCache?.();
const { runAsProcess } = await import('../dist/cli.js');
await runAsProcess();
