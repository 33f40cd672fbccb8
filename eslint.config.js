// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * The layering of src/ (docs/architecture.md): each folder may import only from the folders listed
 * for it, so lower layers never reach up into commands. src/program.ts and src/cli.ts sit on top.
 */
const layers = {
  io: [],
  config: ['io'],
  storage: ['io', 'config'],
  logto: ['io', 'config'],
  oauth: ['io', 'config', 'logto'],
  loopback: ['io'],
  session: ['io', 'config', 'storage', 'logto', 'oauth'],
  signIn: ['io', 'config', 'logto', 'oauth', 'loopback', 'session'],
  commands: ['io', 'config', 'storage', 'logto', 'oauth', 'loopback', 'session', 'signIn'],
};
const folders = Object.keys(layers);

/** What only src/cli.ts may touch: the rest gets it through CommandDeps, so tests can fake it. */
const machineMessage =
  'Only src/cli.ts reads the machine; take it from CommandDeps (env, now, random, processes).';
const randomNames = [
  'randomBytes',
  'randomUUID',
  'randomInt',
  'randomFill',
  'randomFillSync',
  'getRandomValues',
  'webcrypto',
];
const randomImports = {
  paths: ['node:crypto', 'crypto'].map((name) => ({
    name,
    importNames: randomNames,
    message: machineMessage,
  })),
};
/**
 * What no layer may import: src/cli.ts, src/hotCli.ts, src/lib.ts (the entries), src/system.ts (the
 * real machine), src/program.ts and src/hotPath.ts sit on top.
 */
const entryModules = [
  '**/cli.js',
  '**/hotCli.js',
  '**/lib.js',
  '**/libTypes.js',
  '**/system.js',
  '**/program.js',
  '**/hotPath.js',
];

/** A folder's import rule: the folders above it (and the entry modules) are off limits. */
function layerRule(folder, files = [`src/${folder}/**/*.ts`], extra = []) {
  const allowed = new Set([folder, ...layers[folder]]);
  const forbidden = folders.filter((other) => !allowed.has(other));
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...randomImports,
          patterns: [
            {
              group: [...forbidden.map((other) => `**/${other}/**`), ...entryModules],
              message: `src/${folder} may import only from ${[...allowed].map((name) => `src/${name}`).join(', ')} (the layering in docs/architecture.md).`,
            },
            ...extra,
          ],
        },
      ],
    },
  };
}

/** A command's folder may use what all commands share (src/commands/*.ts), never another command's folder. */
const commandFolderRule = layerRule(
  'commands',
  ['src/commands/*/**/*.ts'],
  [
    {
      group: ['../*/**', '!../../**'],
      message: "A command never imports another command's folder: move what they share below src/commands.",
    },
  ],
);

/** `new Date()` reads the clock; process.stdout & co. are the terminal, which arrives through CommandDeps. */
const machineSyntax = [
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: machineMessage },
  {
    selector: "MemberExpression[object.name='process'][property.name=/^(stdout|stderr|stdin)$/]",
    message: 'Only src/io and src/cli.ts touch the terminal streams; take them from CommandDeps.',
  },
];
/**
 * Only src/io writes to the terminal: everything else goes through io/terminal.ts, whose writers
 * sanitise what they write (terminalSafe), so text from outside cannot reach a terminal raw.
 */
const terminalWriteMessage =
  'Only src/io writes to the terminal: use writeLine/writeText/writeJson from src/io/terminal.ts (they make text terminal-safe).';
const terminalWrite = [
  {
    selector: "CallExpression[callee.property.name='write'][callee.object.property.name=/^(stdout|stderr)$/]",
    message: terminalWriteMessage,
  },
  {
    selector: "CallExpression[callee.property.name='write'][callee.object.name=/^(stdout|stderr|stream)$/]",
    message: terminalWriteMessage,
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  // bin/hflogin.cjs is CommonJS on purpose (Node 20 starts a CommonJS entry ~6 ms sooner).
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/**/*.ts'],
    // The entries (src/cli.ts; src/hotCli.ts, bin/hflogin.cjs's CommonJS first stop; src/lib.ts,
    // the library, which builds its deps from process.env at each call) and the machine.
    ignores: ['src/cli.ts', 'src/hotCli.ts', 'src/lib.ts', 'src/system.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: machineMessage },
        { object: 'process', property: 'kill', message: machineMessage },
        { object: 'Date', property: 'now', message: machineMessage },
        { object: 'crypto', property: 'getRandomValues', message: machineMessage },
        { object: 'crypto', property: 'randomUUID', message: machineMessage },
        { object: 'oauth', property: 'generateRandomState', message: machineMessage },
        { object: 'oauth', property: 'generateRandomNonce', message: machineMessage },
        { object: 'oauth', property: 'generateRandomCodeVerifier', message: machineMessage },
      ],
      'no-restricted-syntax': ['error', ...machineSyntax],
      'no-restricted-imports': ['error', randomImports],
      'no-console': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/io/**', 'src/cli.ts', 'src/hotCli.ts', 'src/system.ts'],
    rules: { 'no-restricted-syntax': ['error', ...machineSyntax, ...terminalWrite] },
  },
  // src/io is the terminal layer: it may write to the streams it is given (never process.*), and log.
  { files: ['src/io/**/*.ts'], rules: { 'no-console': 'off' } },
  ...folders.map((folder) => layerRule(folder)),
  commandFolderRule,
  // The library (dist/lib.js) never loads the command-line parser: it runs the commands' run
  // functions, never their definitions (which configure commander) nor the program.
  {
    files: ['src/lib.ts', 'src/libTypes.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...randomImports,
          paths: [
            ...randomImports.paths,
            { name: 'commander', message: 'The library must not load commander (docs/architecture.md).' },
          ],
          patterns: [
            {
              group: [
                '**/definition.js',
                '**/command.js',
                '**/commandTree.js',
                '**/register.js',
                '**/registry.js',
                '**/program.js',
                '**/cli.js',
                '**/hotCli.js',
                '**/hotPath.js',
              ],
              message:
                'The library runs the commands, never their definitions or the program: those load commander.',
            },
          ],
        },
      ],
    },
  },
);
