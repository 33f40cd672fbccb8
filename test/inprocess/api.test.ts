import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createRemoteJWKSet } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';

import type { EchoAnswer } from '../emulator/index.js';
import { startProtectedApi } from '../emulator/protectedApi.js';
import { serializeSession, type StoredSession } from '../../src/session/session.js';
import { fakeHost, hflogin, type FakeHost, type RunOptions } from '../helpers/inProcess.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';

/** `hflogin api`: gh's `api` against the emulator's protected API (test/emulator/protectedApi.ts). */
describe('hflogin api: a call to an API with the right token', () => {
  const emulator = useEmulator();
  const echo = () => emulator.protectedApis['/echo']!;
  const admin = () => emulator.protectedApis['/echo/admin']!;
  const refreshes = () => emulator.stats.tokenRequests.refresh_token ?? 0;
  const apiAnswers = () => Object.values(emulator.apiStats.answers).reduce((sum, count) => sum + count, 0);
  const files = mkdtempSync(join(tmpdir(), 'hflogin-api-'));

  /** Signed in (a real `hflogin login`) to both echo APIs, with their scopes. */
  async function signedIn(...extra: string[]): Promise<FakeHost> {
    const host = fakeHost();
    const login = hflogin(
      host,
      loginArgs(
        emulator,
        '--resource',
        echo(),
        '--resource',
        admin(),
        '--scope',
        'read:echo write:echo admin:echo',
        ...extra,
      ),
    );
    expect(await login.exit, login.stderr()).toBe(0);
    return host;
  }
  let host: FakeHost;
  beforeAll(async () => {
    host = await signedIn();
  });

  const api = (args: string[], options: RunOptions = {}, on: FakeHost = host) =>
    hflogin(on, ['api', ...args], options);
  /** Runs it, expects `exit`, and returns the echo the API answered with. */
  async function echoed(args: string[], options: RunOptions = {}, exit = 0): Promise<EchoAnswer> {
    const run = api(args, options);
    expect(await run.exit, run.stderr()).toBe(exit);
    return JSON.parse(run.stdout()) as EchoAnswer;
  }

  it('login records the resources it asked for: what the audience is chosen from', async () => {
    expect((await host.session('keychain'))!.resources).toEqual([echo(), admin()]);
  });

  it('GET by default; piped, the body is printed exactly as the API sent it', async () => {
    const run = api([`${echo()}/models?limit=5`]);
    expect(await run.exit, run.stderr()).toBe(0);
    const answer = JSON.parse(run.stdout()) as EchoAnswer;
    // Untouched: the server's compact JSON, no newline added.
    expect(run.stdout()).toBe(JSON.stringify(answer));
    expect(answer).toMatchObject({
      method: 'GET',
      path: '/echo/models',
      query: { limit: '5' },
      body: null,
      resource: echo(),
      claims: { iss: emulator.issuer, sub: 'u1alice00001', aud: echo(), clientId: emulator.appId },
    });
    expect(answer.headers.accept).toBe('*/*');
    expect(answer.claims.scopes.sort()).toEqual(['read:echo', 'write:echo']);
    expect(run.stderr()).toBe('');
  });

  describe('the audience', () => {
    it('is the granted resource the URL starts with, the longest when several do', async () => {
      expect((await echoed([`${echo()}/x`])).claims.aud).toBe(echo());
      expect((await echoed([echo()])).claims.aud).toBe(echo());
      const longest = await echoed([`${admin()}/users`]);
      expect(longest.claims.aud).toBe(admin());
      expect(longest.claims.scopes).toEqual(['admin:echo']);
    });

    it('a prefix by URL, not by text: …/echo/adminx is under …/echo, not …/echo/admin', async () => {
      expect((await echoed([`${admin()}x`])).claims.aud).toBe(echo());
    });

    it('no granted resource covers another origin: exit 2, and nothing is sent', async () => {
      const before = apiAnswers();
      const run = api(['https://api.elsewhere.test/v1/x']);
      expect(await run.exit).toBe(2);
      expect(run.stderr()).toContain(
        'No API resource this session was granted covers https://api.elsewhere.test/v1/x.',
      );
      expect(run.stderr()).toContain(`Granted: ${echo()}, ${admin()}.`);
      expect(run.stdout()).toBe('');
      expect(apiAnswers()).toBe(before);
    });

    it('--resource chooses it: an API whose URL is not its indicator (RFC 8707 allows any URI)', async () => {
      const standalone = await startProtectedApi({
        issuer: emulator.issuer,
        keys: createRemoteJWKSet(new URL(`${emulator.issuer}/jwks`)),
        routes: [{ path: '/v1', resource: echo() }],
      });
      try {
        const answer = await echoed([`${standalone.url}/v1/jobs`, '--resource', echo()]);
        expect(answer).toMatchObject({ path: '/v1/jobs', claims: { aud: echo() } });
        // Without it, nothing covers that URL.
        expect(await api([`${standalone.url}/v1/jobs`]).exit).toBe(2);
      } finally {
        await standalone.close();
      }
    });

    it('--resource wins over the URL: the API refuses a token for another resource (401, exit 1)', async () => {
      const run = api([`${admin()}/users`, '--resource', echo()]);
      expect(await run.exit).toBe(1);
      expect(JSON.parse(run.stdout())).toEqual({
        error: 'invalid_token',
        error_description: 'the aud claim is not right',
      });
    });

    it('--organization: an organization token for the API (organization_id in it)', async () => {
      const member = await signedIn('--scope', 'urn:logto:scope:organizations');
      const run = api([`${echo()}/org`, '--organization', 'org-open-models'], {}, member);
      expect(await run.exit, run.stderr()).toBe(0);
      const answer = JSON.parse(run.stdout()) as EchoAnswer;
      expect(answer.claims).toMatchObject({ aud: echo(), organizationId: 'org-open-models' });
    });

    it("the session's own token goes to the tenant only (its userinfo here)", async () => {
      const run = api([`${emulator.issuer}/me`]);
      expect(await run.exit, run.stderr()).toBe(0);
      expect(JSON.parse(run.stdout())).toMatchObject({ sub: 'u1alice00001' });
    });

    it('a session saved before resources were recorded: the resources it holds tokens for', async () => {
      const old = fakeHost();
      await old.seed(emulator, 'keychain', {
        params: { resource: echo(), scope: 'openid offline_access read:echo' },
      });
      expect((await old.session('keychain'))!.resources).toBeUndefined();
      // Not known to be granted: the session's own token (the API is on the tenant's origin here),
      // which is no JWT for the API.
      const before = api([`${echo()}/x`], {}, old);
      expect(await before.exit).toBe(1);
      expect(JSON.parse(before.stdout())).toMatchObject({ error: 'invalid_token' });
      expect(await hflogin(old, ['token', '--resource', echo()]).exit).toBe(0);
      const run = api([`${echo()}/x`], {}, old);
      expect(await run.exit, run.stderr()).toBe(0);
      expect((JSON.parse(run.stdout()) as EchoAnswer).claims.aud).toBe(echo());
    });
  });

  describe('the request: gh api flags', () => {
    it('-f and -F make a JSON body and the method POST: -F types true, false, null, integers, @file, @-', async () => {
      const file = join(files, 'note.txt');
      writeFileSync(file, 'from a file\n');
      const answer = await echoed(
        [
          `${echo()}/items`,
          '-f',
          'name=demo',
          '-f',
          'raw=true',
          '-F',
          'count=42',
          '-F',
          'negative=-7',
          '-F',
          'huge=123456789012345678901',
          '-F',
          'yes=true',
          '-F',
          'no=false',
          '-F',
          'nothing=null',
          '-F',
          'word=a,b=c',
          '-F',
          `note=@${file}`,
          '-F',
          'piped=@-',
        ],
        { stdin: 'from stdin' },
      );
      expect(answer.method).toBe('POST');
      expect(answer.contentType).toBe('application/json; charset=utf-8');
      expect(answer.body).toEqual({
        name: 'demo',
        raw: 'true',
        count: 42,
        negative: -7,
        huge: '123456789012345678901',
        yes: true,
        no: false,
        nothing: null,
        word: 'a,b=c',
        note: 'from a file\n',
        piped: 'from stdin',
      });
    });

    it('-X sets the method: fields go in the body, or in the query string of a GET', async () => {
      const put = await echoed([`${echo()}/items/1`, '-X', 'put', '-F', 'n=1']);
      expect(put).toMatchObject({ method: 'PUT', body: { n: 1 }, query: {} });
      const get = await echoed([
        `${echo()}/search?sort=new`,
        '-X',
        'GET',
        '-f',
        'q=llama 3',
        '-F',
        'page=2',
        '-F',
        'all=true',
      ]);
      expect(get).toMatchObject({
        method: 'GET',
        query: { sort: 'new', q: 'llama 3', page: '2', all: 'true' },
        body: null,
        contentType: null,
      });
      expect((await echoed([`${echo()}/items/1`, '--method', 'DELETE'])).method).toBe('DELETE');
    });

    it('-H adds headers (repeatable; a repeated one is a list); Content-Type replaces the JSON default', async () => {
      const answer = await echoed([
        `${echo()}/h`,
        '-H',
        'X-Trace: abc',
        '-H',
        'x-list:one',
        '-H',
        'X-List: two',
        '-H',
        'Accept: application/json',
        '-H',
        'Content-Type: application/vnd.demo+json',
        '-f',
        'a=1',
      ]);
      expect(answer.headers).toMatchObject({
        'x-trace': 'abc',
        'x-list': 'one, two',
        accept: 'application/json',
        'content-type': 'application/vnd.demo+json',
      });
      expect(answer.body).toEqual({ a: '1' });
      expect(answer.headers.authorization).toBeUndefined();
    });

    it('--input: a file or stdin is the body as it is (POST by default, -X to change it)', async () => {
      const file = join(files, 'body.txt');
      writeFileSync(file, 'line one\nline two');
      expect(await echoed([`${echo()}/upload`, '--input', file])).toMatchObject({
        method: 'POST',
        body: 'line one\nline two',
        contentType: null,
      });
      const piped = await echoed(
        [`${echo()}/upload`, '--input', '-', '-X', 'PATCH', '-H', 'content-type: application/json'],
        { stdin: '{"from":"stdin","n":[1,2]}' },
      );
      expect(piped).toMatchObject({ method: 'PATCH', body: { from: 'stdin', n: [1, 2] } });
    });
  });

  describe('the output', () => {
    it('-i: the status line and the response headers first (never the request headers)', async () => {
      const run = api([`${echo()}/i`, '-i']);
      expect(await run.exit).toBe(0);
      const [head, body] = run.stdout().split('\r\n\r\n');
      const lines = head!.split('\r\n');
      expect(lines[0]).toBe('HTTP/1.1 200 OK');
      expect(lines).toContain('content-type: application/json; charset=utf-8');
      expect(head!.toLowerCase()).not.toContain('authorization');
      expect((JSON.parse(body!) as EchoAnswer).path).toBe('/echo/i');
    });

    it('on a terminal: JSON indented; to a pipe: as sent', async () => {
      const terminal = api([`${echo()}/t`], { stdoutTerminal: true });
      expect(await terminal.exit).toBe(0);
      const answer = JSON.parse(terminal.stdout()) as EchoAnswer;
      expect(terminal.stdout()).toBe(`${JSON.stringify(answer, null, 2)}\n`);
    });

    it("the server's text: escape sequences spelled out on a terminal, the bytes as sent to a pipe", async () => {
      const text = 'hi \u001b]52;c;aGk=\u0007 \u202e there';
      const url = `${echo()}/text?text=${encodeURIComponent(text)}`;
      const piped = api([url]);
      expect(await piped.exit).toBe(0);
      expect(piped.stdout()).toBe(text);
      const terminal = api([url, '-i'], { stdoutTerminal: true });
      expect(await terminal.exit).toBe(0);
      expect(terminal.stdout()).toContain('HTTP/1.1 200 OK\ncontent-type: text/plain; charset=utf-8\n');
      expect(terminal.stdout()).toContain('hi \\u001b]52;c;aGk=\\u0007 \\u202e there\n');
      expect(terminal.stdout()).not.toContain('\u001b');
    });
  });

  describe('exit codes', () => {
    it.each([404, 500])('%i: exit 1, the body still printed, the status on stderr', async (status) => {
      const run = api([`${echo()}/status/${status}`]);
      expect(await run.exit).toBe(1);
      expect(JSON.parse(run.stdout())).toMatchObject({
        error: `status ${status}`,
        echo: { path: `/echo/status/${status}` },
      });
      expect(run.stderr()).toContain(`Error: ${new URL(echo()).host} answered HTTP ${status} `);
      expect(run.stderr()).toContain('Hint: ');
    });

    it('403 insufficient_scope: exit 1, and the hint says which scope to sign in with', async () => {
      const narrow = fakeHost();
      const login = hflogin(narrow, loginArgs(emulator, '--resource', admin()));
      expect(await login.exit, login.stderr()).toBe(0);
      const run = api([`${admin()}/users`], {}, narrow);
      expect(await run.exit).toBe(1);
      expect(JSON.parse(run.stdout())).toEqual({
        error: 'insufficient_scope',
        error_description: 'the token lacks admin:echo',
      });
      expect(run.stderr()).toContain('hflogin login --scope');
    });

    it.each([
      ['--input with -f', ['--input', '-', '-f', 'a=1'], '--input is the whole request body'],
      ['a header without a colon', ['-H', 'X-Trace'], 'is not a header'],
      ['an Authorization header', ['-H', 'Authorization: Bearer x'], 'sends the Authorization header itself'],
      ['a field without =', ['-F', 'count'], 'is not a field'],
      ['--json', ['--json'], 'has no --json'],
      ['a bad method', ['-X', 'GE T'], 'is not an HTTP method'],
      ['an unreadable @file', ['-F', 'a=@/no/such/file'], 'cannot read the file (ENOENT)'],
    ])('2 for a usage error: %s (nothing sent)', async (_name, args, said) => {
      const before = apiAnswers();
      const run = api([`${echo()}/x`, ...args]);
      expect(await run.exit).toBe(2);
      expect(run.stderr()).toContain(said);
      expect(apiAnswers()).toBe(before);
    });

    it.each([
      ['a relative URL', '/echo/x', 'is not an API URL'],
      ['plain http off this machine', 'http://api.example.com/x', 'Refusing to send a token over plain http'],
      ['a password in the URL', 'https://user:secret@api.example.com/x', 'user name or password'],
    ])('2 for %s', async (_name, url, said) => {
      const run = api([url]);
      expect(await run.exit).toBe(2);
      expect(run.stderr()).toContain(said);
    });

    it('4 when signed out, before anything is sent', async () => {
      const before = apiAnswers();
      const run = api([`${echo()}/x`], {}, fakeHost());
      expect(await run.exit).toBe(4);
      expect(run.stderr()).toContain('Not signed in');
      expect(apiAnswers()).toBe(before);
    });
  });

  describe('a 401: one refresh, one retry', () => {
    it('a token the API refuses is refreshed once, and the retry succeeds', async () => {
      const mine = await signedIn();
      expect(await api([`${echo()}/warm`], {}, mine).exit).toBe(0);
      expect(await api([`${admin()}/warm`], {}, mine).exit).toBe(0);
      // The cached token for echo is now one the API refuses (another API's, fresh by its times).
      const session = (await mine.session('keychain'))!;
      const audiences = session.audiences!;
      const wrong = audiences[`resource:${admin()}`]!;
      const swapped: StoredSession = {
        ...session,
        audiences: { ...audiences, [`resource:${echo()}`]: wrong },
      };
      await (await mine.store('keychain')).save(mine.profile, serializeSession(swapped));

      const before = { refreshes: refreshes(), invalid: emulator.apiStats.refusals.invalid_token ?? 0 };
      const run = api([`${echo()}/after`], {}, mine);
      expect(await run.exit, run.stderr()).toBe(0);
      expect((JSON.parse(run.stdout()) as EchoAnswer).claims.aud).toBe(echo());
      expect(refreshes() - before.refreshes).toBe(1);
      expect((emulator.apiStats.refusals.invalid_token ?? 0) - before.invalid).toBe(1);
      expect(emulator.apiStats.lastRefusal).toBe('the aud claim is not right');
      // The new token is kept for the next call.
      const kept = (await mine.session('keychain'))!.audiences![`resource:${echo()}`]!;
      expect(kept.accessToken).not.toBe(wrong.accessToken);
    });

    it('a 401 again after the refresh: exit 1 with that body, and no second refresh', async () => {
      const before = { refreshes: refreshes(), answers: emulator.apiStats.answers[401] ?? 0 };
      const run = api([`${echo()}/status/401`]);
      expect(await run.exit).toBe(1);
      expect(JSON.parse(run.stdout())).toMatchObject({ error: 'status 401' });
      expect(refreshes() - before.refreshes).toBe(1);
      expect((emulator.apiStats.answers[401] ?? 0) - before.answers).toBe(2);
      expect(run.stderr()).toContain('even after a refresh');
    });

    it('--debug says so, and no output carries a token', async () => {
      const run = api([`${echo()}/status/401`, '-i', '--debug', '-f', 'a=1']);
      expect(await run.exit).toBe(1);
      expect(run.stderr()).toContain(`api: a token for ${echo()}`);
      expect(run.stderr()).toContain('api: HTTP 401; refreshing the token once and trying again');
      expect(run.stderr()).toMatch(/http POST .*\/echo\/status\/401 → 401/);
      const output = run.stdout() + run.stderr();
      const tokens = [...new Set(emulator.stats.issuedTokens)];
      expect(tokens.length).toBeGreaterThan(10);
      for (const token of tokens) expect(output.includes(token)).toBe(false);
    });
  });
});
