#!/usr/bin/env node
// CommonJS on purpose: on Node 20 an ESM entry costs ~6 ms of loader start-up before any code
// runs, a third of `node -e 0`. dist/hot.cjs answers --version, help (dist/help.json), and
// token/status/whoami from the files on this machine (whoami: one userinfo GET); anything else
// loads the full CLI (dist/cli.js, ESM). Node's compile cache makes every later start faster where
// it exists (Node >= 22.1); on Node 20, loading node:module for it would only load the ESM
// loader's internals.
'use strict';
if (Number(process.versions.node.split('.')[0]) >= 22) require('node:module').enableCompileCache?.();
require('../dist/hot.cjs').runHotAsProcess(
  () => import('../dist/cli.js'),
  require('node:path').join(__dirname, '..', 'dist', 'help.json'),
);
