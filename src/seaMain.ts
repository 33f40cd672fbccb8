// The single binary's entry point (scripts/build-binary.mjs): the same CLI as bin/hflogin.js.
import { runAsProcess } from './cli.js';

void runAsProcess();
