// `npm run demo`: the bundled emulator, signed in to through its pages in headless Chromium.
// (Until `hflogin login` lands, this walks the protocol hflogin will use: PKCE, direct sign-in to
// Hugging Face, iss/state checks, code exchange, ID token signature and nonce, userinfo.)
import { existsSync } from 'node:fs';

import { startEmulator } from '../test/emulator/index.js';
import { captureRedirect, launchChromium } from '../test/helpers/chromium.js';
import { chromiumPath } from '../test/helpers/systemPieces.js';
import { TestClient } from '../test/helpers/oidcClient.js';

const emulator = await startEmulator();
console.log(`Emulator (Logto-compatible) at ${emulator.issuer}, app ID ${emulator.appId}`);
try {
  const client = await TestClient.discover(emulator);
  const request = await client.authorizationRequest();
  console.log(`Sign-in URL:\n  ${request.url}`);
  if (!existsSync(chromiumPath)) {
    console.log(
      `No Chromium at ${chromiumPath}: install it (apt-get install chromium) to let the demo click through.`,
    );
    process.exitCode = 1;
  } else {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const callback = captureRedirect(context, client.redirectUri);
      const page = await context.newPage();
      await page.goto(request.url);
      console.log(
        'Chromium went straight to Hugging Face (direct_sign_in=social:huggingface); choosing alice-hf…',
      );
      await page.click('#hf-user-alice-hf');
      const tokens = await client.exchange(await callback, request);
      console.log('Code exchanged with PKCE; ID token signature, iss, aud, exp and nonce verified.');
      const userinfo = await client.userinfo(tokens.access_token);
      const huggingface = (
        userinfo.identities as Record<string, { details: { rawData: Record<string, unknown> } }>
      ).huggingface;
      console.log(
        `Signed in as ${String(huggingface?.details.rawData.preferred_username)} (Hugging Face) to ${new URL(emulator.endpoint).host}` +
          ` — Logto user ${userinfo.sub}, ${String(userinfo.name)}`,
      );
    } finally {
      await browser.close();
    }
  }
} finally {
  await emulator.close();
}
