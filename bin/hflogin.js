#!/usr/bin/env node
// Loads the bundled CLI (built by `npm run build`); nothing else happens here.
import { runAsProcess } from '../dist/cli.js';

await runAsProcess();
