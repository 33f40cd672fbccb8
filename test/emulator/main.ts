// `npm run emulator`: starts the Logto-compatible emulator and prints one JSON line on stdout,
// {"endpoint","appId","deviceAppId"}, then serves until interrupted.
//   --port N            listen on a fixed port (default: a free one)
//   --no-huggingface    start with the Hugging Face connector disabled
//   --fault NAME        start with one fault switched on (see options.ts)
import { parseArgs } from 'node:util';

import { faults, startEmulator, type Fault } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'no-huggingface': { type: 'boolean' },
    fault: { type: 'string' },
  },
});

const fault = values.fault as Fault | undefined;
if (fault !== undefined && !faults.includes(fault)) {
  console.error(`Unknown fault "${fault}". Known: ${faults.join(', ')}`);
  process.exit(2);
}

const emulator = await startEmulator({
  port: values.port ? Number(values.port) : 0,
  huggingFaceConnector: !values['no-huggingface'],
  fault: fault ?? null,
});

process.stdout.write(
  `${JSON.stringify({ endpoint: emulator.endpoint, appId: emulator.appId, deviceAppId: emulator.deviceAppId })}\n`,
);
console.error(`[emulator] Logto-compatible provider at ${emulator.issuer} (Ctrl+C to stop)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
