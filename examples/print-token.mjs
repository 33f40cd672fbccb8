// hflogin from a Node program: who is signed in, and an access token to call an API with. Run it
// after `hflogin login` (npm install hflogin; node print-token.mjs [resource]). It honours the
// same HFLOGIN_* variables as the CLI (HFLOGIN_PROFILE, HFLOGIN_CONFIG_DIR, HFLOGIN_STORAGE…).
import { getAccessToken, HfloginError, whoami } from 'hflogin';

const resource = process.argv[2];
try {
  const me = await whoami();
  // Refreshed first if little of its life is left, under the same lock as `hflogin token`.
  const token = await getAccessToken({ resource });
  // What a program does with it: `fetch(url, { headers: { authorization: `Bearer ${token.accessToken}` } })`.
  // (Never print the token itself: logs outlive it.)
  console.log(
    `${me.huggingface?.username ?? me.user.username ?? me.user.id} on ${new URL(me.endpoint).host}: ` +
      `a ${token.tokenType} token for ${token.resource ?? 'userinfo'}, valid until ${token.expiresAt}`,
  );
} catch (error) {
  if (!(error instanceof HfloginError)) throw error;
  // The CLI's own message, hint and exit code: e.g. not_signed_in, exit 4, "Run hflogin login".
  console.error(`${error.message}\n${error.hint}`);
  process.exitCode = error.exitCode;
}
