// One library caller of test/e2e/library.test.ts, as its own process: imports the built library
// (argv[2], a file URL of dist/lib.js) and prints the access token getAccessToken() gives, or the
// error's code and exit code. Its profile and config directory come from HFLOGIN_* as the CLI's.
const { getAccessToken } = await import(process.argv[2]);
try {
  process.stdout.write(`${(await getAccessToken()).accessToken}\n`);
} catch (error) {
  process.stderr.write(`${error.code}: ${error.message}\n`);
  process.exitCode = error.exitCode ?? 1;
}
