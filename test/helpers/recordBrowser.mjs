#!/usr/bin/env node
// A $BROWSER for tests: records its arguments (one JSON line) in $HFLOGIN_TEST_BROWSER_LOG and exits.
import { appendFileSync } from 'node:fs';

appendFileSync(process.env.HFLOGIN_TEST_BROWSER_LOG, `${JSON.stringify(process.argv.slice(2))}\n`);
