// Prints, as JSON, what `hflogin --help` and `hflogin <command> --help` print where stdout is not a
// terminal (commander's 80 columns), from the freshly built dist/cli.js: the hot path
// (src/hotPath.ts) answers those command lines with these texts. scripts/build.mjs runs this with
// stdout piped, so the texts are a script's, whatever terminal the build runs in;
// test/e2e/cli.test.ts checks every one against the program's own output.
import { pathToFileURL } from 'node:url';

const { main } = await import(pathToFileURL('dist/cli.js').href);

async function help(argv) {
  let stdout = '';
  let stderr = '';
  const deps = {
    stdout: { write: (text) => ((stdout += text), true) },
    stderr: { write: (text) => ((stderr += text), true) },
    env: {},
  };
  const code = await main(argv, deps);
  if (code !== 0 || stderr) throw new Error(`hflogin ${argv.join(' ')}: exit ${code}, ${stderr}`);
  return stdout;
}

/** The commands a help text lists, but `help` itself. */
function commandsIn(text) {
  const start = text.indexOf('\nCommands:\n');
  if (start < 0) return [];
  const section = text.slice(start).split('\n\n')[0];
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)]
    .map((match) => match[1])
    .filter((name) => name !== 'help');
}

const texts = { '': await help(['--help']) };
for (const name of commandsIn(texts[''])) {
  texts[name] = await help([name, '--help']);
  for (const sub of commandsIn(texts[name])) texts[`${name} ${sub}`] = await help([name, sub, '--help']);
}
process.stdout.write(JSON.stringify(texts));
