// The single binary's entry point (scripts/build-binary.mjs): the same CLI as bin/hflogin.cjs, the
// hot path first. In one CommonJS script, esbuild turns the dynamic import into a module that is
// initialised only when called, so a hot command never sets up the full program.
import { runHotAsProcess } from './hotCli.js';

void runHotAsProcess(() => import('./cli.js'));
