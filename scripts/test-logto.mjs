// `npm run test:logto`: the acceptance tier against a real Logto server. Builds the Logto OSS stack
// (PostgreSQL, Logto core with the real Hugging Face connector, a fake Hugging Face upstream, all on
// loopback) with the scripts in ../shared/logto, starts and provisions it, runs test/logto/ through
// scripts/test.mjs (so inside the same private D-Bus and gnome-keyring as `npm test`), and stops
// everything it started, pass or fail. Ends with one line "logto: N passed, N failed, N skipped".
//
//   HFLOGIN_LOGTO_SCRIPTS  the directory with setup.sh/start.sh/stop.sh (default ../shared/logto)
//   HFLOGIN_LOGTO_BASE     where the stack is built and runs (default /tmp/logto-real)
//   LOGTO_SOURCE           another logto-io/logto tarball or checkout (read by setup.sh)
//   HFLOGIN_TEST_STRICT=1  a stack that cannot be built or started fails the run instead of skipping
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const scripts = resolve(process.env.HFLOGIN_LOGTO_SCRIPTS ?? join(root, '..', 'shared', 'logto'));
const base = resolve(process.env.HFLOGIN_LOGTO_BASE ?? '/tmp/logto-real');
const strict = process.env.HFLOGIN_TEST_STRICT === '1';
const passThrough = process.argv.slice(2);

function say(message) {
  console.error(`[test:logto] ${message}`);
}

/** Missing pieces: fail under HFLOGIN_TEST_STRICT=1, otherwise skip with the reason. */
function unavailable(reason) {
  if (strict) {
    say(`${reason} (HFLOGIN_TEST_STRICT=1: failing instead of skipping)`);
    console.log('logto: 0 passed, 1 failed, 0 skipped');
    process.exit(1);
  }
  say(`skipped: ${reason}`);
  console.log('logto: 0 passed, 0 failed, 1 skipped');
  process.exit(0);
}

function runScript(name, { capture = false } = {}) {
  const started = Date.now();
  const result = spawnSync('bash', [join(scripts, name), base], {
    stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
    encoding: 'utf8',
    env: process.env,
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  return { ok: result.status === 0, stdout: result.stdout ?? '', seconds };
}

function stop() {
  const { seconds } = runScript('stop.sh');
  say(`stopped the stack in ${seconds} s`);
}

for (const script of ['setup.sh', 'start.sh', 'stop.sh']) {
  if (!existsSync(join(scripts, script)))
    unavailable(`no ${script} in ${scripts} (set HFLOGIN_LOGTO_SCRIPTS to the real-Logto scripts)`);
}
if (process.getuid?.() !== 0)
  unavailable('the real-Logto scripts need root (apt-get, port 443 for the fake Hugging Face, unshare -m)');

// A stack of ours left running from an earlier run would block the next start: stop it first.
runScript('stop.sh');
const setup = runScript('setup.sh');
if (!setup.ok) unavailable(`setup.sh could not build Logto in ${base}`);
say(`setup.sh: ${setup.seconds} s`);

let exitCode;
const signals = ['SIGINT', 'SIGTERM'];
const onSignal = (signal) => {
  say(`${signal}: stopping the stack`);
  stop();
  process.exit(130);
};
for (const signal of signals) process.on(signal, onSignal);
try {
  const start = runScript('start.sh', { capture: true });
  const line = start.stdout.trim().split('\n').at(-1) ?? '';
  let stack;
  try {
    stack = JSON.parse(line);
  } catch {
    stack = undefined;
  }
  if (!start.ok || !stack?.endpoint) {
    stop();
    unavailable(`start.sh did not start the stack (its output: ${line.slice(0, 200) || 'nothing'})`);
  }
  say(`start.sh: ${start.seconds} s; Logto ${stack.logtoCommit?.slice(0, 10)} at ${stack.endpoint}`);
  mkdirSync(join(base, 'state'), { recursive: true });
  const stackFile = join(base, 'state', 'hflogin-stack.json');
  writeFileSync(stackFile, `${JSON.stringify({ ...stack, base, scripts })}\n`);

  const tests = spawn(
    process.execPath,
    [join(root, 'scripts', 'test.mjs'), '--config', 'vitest.logto.config.ts', ...passThrough],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, HFLOGIN_LOGTO_STACK: stackFile },
    },
  );
  let last = '';
  tests.stdout.on('data', (chunk) => {
    const text = chunk.toString();
    last = (last + text).split('\n').slice(-3).join('\n');
    // test.mjs ends with "tests: …"; this tier's closing line says "logto: …" instead.
    process.stdout.write(text.replace(/^tests: /m, 'logto: '));
  });
  exitCode = await new Promise((done) => tests.on('close', (code) => done(code ?? 1)));
  if (!/logto: |tests: /.test(last)) console.log('logto: 0 passed, 1 failed, 0 skipped');
} finally {
  for (const signal of signals) process.off(signal, onSignal);
  stop();
}
process.exit(exitCode);
