// Replaced by esbuild at build time (scripts/build.mjs) with package.json's version, so that
// `hflogin --version` does not read package.json from disk on every start.
declare const __HFLOGIN_VERSION__: string | undefined;

export const version: string = typeof __HFLOGIN_VERSION__ === 'string' ? __HFLOGIN_VERSION__ : '0.0.0-dev';
