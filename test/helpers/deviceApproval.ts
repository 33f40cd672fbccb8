import { expect } from 'vitest';

import { formIn, HttpUserAgent, pageId, type Hop } from './httpUserAgent.js';

/**
 * The person on another device, over HTTP: opens the complete verification URI (oidc-provider
 * posts the code from a script page, which lands on the confirm page).
 */
export async function openDeviceConfirmPage(verificationUriComplete: string, agent = new HttpUserAgent()) {
  const confirm = await agent.follow(verificationUriComplete);
  expect(pageId(confirm.page.body)).toBe('device-confirm-page');
  return confirm.page;
}

/** …confirms, and signs in at Hugging Face as `username`; resolves with the last page. */
export async function approveDevice(
  verificationUriComplete: string,
  agent = new HttpUserAgent(),
  username = 'alice-hf',
): Promise<Hop> {
  const confirm = await openDeviceConfirmPage(verificationUriComplete, agent);
  const form = formIn(confirm.body, 'op.deviceConfirmForm', confirm.url);
  const toUpstream = await agent.follow(form.action, () => false, { form: form.fields });
  expect(pageId(toUpstream.page.body)).toBe('hf-authorize-page');
  const hf = formIn(toUpstream.page.body, 'hf-authorize-form', toUpstream.page.url);
  const done = await agent.follow(hf.action, () => false, { form: { ...hf.fields, user: username } });
  return done.page;
}

/** …or presses Cancel on the confirm page (the form's `abort=yes` button). */
export async function cancelDevice(
  verificationUriComplete: string,
  agent = new HttpUserAgent(),
): Promise<Hop> {
  const confirm = await openDeviceConfirmPage(verificationUriComplete, agent);
  const form = formIn(confirm.body, 'op.deviceConfirmForm', confirm.url);
  const done = await agent.follow(form.action, () => false, { form: { ...form.fields, abort: 'yes' } });
  return done.page;
}
