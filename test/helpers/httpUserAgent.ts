/**
 * A minimal browser for protocol tests that do not need page rendering: it keeps cookies (with
 * path matching), follows redirects one hop at a time and submits forms found in the HTML. Browser
 * behaviour itself is tested through real Chromium (test/helpers/chromium.ts).
 */
interface Cookie {
  name: string;
  value: string;
  path: string;
}

export interface Hop {
  url: string;
  status: number;
  location: string | undefined;
  body: string;
}

export class HttpUserAgent {
  private readonly cookies = new Map<string, Cookie>();
  acceptLanguage = 'en';

  /** `ca`: trust this CA (PEM) for an emulator serving HTTPS with a private CA. */
  constructor(private readonly ca?: string) {}

  private cookieHeader(url: URL): string {
    return [...this.cookies.values()]
      .filter((cookie) => url.pathname.startsWith(cookie.path))
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  private remember(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      let path = '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key, attributeValue = ''] = attribute.trim().split('=');
        if (key?.toLowerCase() === 'path') path = attributeValue;
        if (key?.toLowerCase() === 'max-age' && Number(attributeValue) <= 0) expired = true;
        if (key?.toLowerCase() === 'expires' && Date.parse(attributeValue) < Date.now()) expired = true;
      }
      const key = `${name};${path}`;
      if (expired) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path });
    }
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Hop> {
    const target = new URL(url);
    const headers: Record<string, string> = { 'accept-language': this.acceptLanguage };
    const cookie = this.cookieHeader(target);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const request = {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual' as const,
    };
    let response: Response;
    if (this.ca) {
      const { fetch: undiciFetch, Agent } = await import('undici');
      const dispatcher = new Agent({ connect: { ca: this.ca } });
      response = (await undiciFetch(target, { ...request, dispatcher })) as unknown as Response;
    } else {
      response = await fetch(target, request);
    }
    this.remember(response);
    const location = response.headers.get('location') ?? undefined;
    return {
      url: target.href,
      status: response.status,
      location: location ? new URL(location, target).href : undefined,
      body: await response.text(),
    };
  }

  /**
   * Follows redirects from `url` until a page is shown (no Location) or the next hop satisfies
   * `stop` (e.g. the client's loopback redirect URI, which nobody listens on here).
   */
  async follow(
    url: string,
    stop: (next: string) => boolean = () => false,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<{ page: Hop; stoppedAt: string | undefined; hops: Hop[] }> {
    const hops: Hop[] = [];
    let hop = await this.request(url, init);
    hops.push(hop);
    for (let i = 0; i < 20; i += 1) {
      if (hop.location) {
        if (stop(hop.location)) return { page: hop, stoppedAt: hop.location, hops };
        hop = await this.request(hop.location);
      } else if (isAutoSubmitPage(hop.body)) {
        // oidc-provider's "Submitting Callback" page posts its form from a script; do what it does.
        const form = formIn(hop.body, undefined, hop.url);
        hop = await this.request(form.action, { form: form.fields });
      } else {
        break;
      }
      hops.push(hop);
    }
    return { page: hop, stoppedAt: undefined, hops };
  }
}

/** The named form's (or, without a name, the first form's) inputs and action. */
export function formIn(
  html: string,
  formId: string | undefined,
  base: string,
): { action: string; fields: Record<string, string> } {
  const start = formId === undefined ? html.indexOf('<form') : html.indexOf(`id="${formId}"`);
  if (start === -1) throw new Error(`form #${formId ?? '(first)'} not found in page`);
  const formStart = html.lastIndexOf('<form', start + 5);
  const formEnd = html.indexOf('</form>', start);
  const form = html.slice(formStart, formEnd);
  const action = /action="([^"]*)"/.exec(form)?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const input of form.matchAll(/<input\b[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
    if (name)
      fields[name] = value
        .replaceAll('&amp;', '&')
        .replaceAll('&quot;', '"')
        .replaceAll('&#39;', "'")
        .replaceAll('&lt;', '<')
        .replaceAll('&gt;', '>');
  }
  return { action: new URL(action.replaceAll('&amp;', '&'), base).href, fields };
}

function isAutoSubmitPage(html: string): boolean {
  return html.includes('document.forms[0].submit()');
}

/** The id of the page's main element (every emulator page has one). */
export function pageId(html: string): string | undefined {
  return /<main id="([^"]+)"/.exec(html)?.[1];
}

/**
 * The person's browser, played over HTTP: from hflogin's sign-in URL (or the one-time
 * `http://127.0.0.1:<port>/start/<id>` hflogin hands a browser, which redirects to it) through the
 * emulator's Hugging Face page, deciding as `decision` says (a user, or Deny), up to the redirect to
 * the loopback. Resolves with that callback address, not yet delivered — and without the cookie
 * `/start` set, so after a `/start` the loopback refuses it: use signInInBrowser for that.
 */
export async function browseToCallback(
  signInUrl: URL | string,
  decision: Record<string, string> = { user: 'alice-hf' },
  ca?: string,
): Promise<string> {
  return browse(new HttpUserAgent(ca), signInUrl, decision);
}

/**
 * As browseToCallback, then the callback delivered by the same browser, cookies and all, as a real
 * browser does: resolves with the loopback's answer. `agent`: a browser that keeps its cookies (and its languages) across sign-ins.
 */
export async function signInInBrowser(
  signInUrl: URL | string,
  decision: Record<string, string> = { user: 'alice-hf' },
  ca?: string,
  /** A browser that keeps its cookies (Logto's session) from one sign-in to the next; a new one by default. */
  agent: HttpUserAgent = new HttpUserAgent(ca),
): Promise<Hop> {
  return agent.request(await browse(agent, signInUrl, decision));
}

async function browse(agent: HttpUserAgent, signInUrl: URL | string, decision: Record<string, string>) {
  let url = new URL(signInUrl);
  if (url.pathname.startsWith('/start/')) {
    const start = await agent.request(url.href);
    if (!start.location) throw new Error(`${url.href} did not redirect: HTTP ${start.status}`);
    url = new URL(start.location);
  }
  const redirectUri = url.searchParams.get('redirect_uri')!;
  const { page, stoppedAt } = await agent.follow(url.href, (next) => next.startsWith(redirectUri));
  // Logto's session in this browser signed the person straight back in: no Hugging Face page.
  if (stoppedAt) return stoppedAt;
  const form = formIn(page.body, 'hf-authorize-form', page.url);
  const done = await agent.follow(form.action, (next) => next.startsWith(redirectUri), {
    form: { ...form.fields, ...decision },
  });
  if (!done.stoppedAt) throw new Error(`the sign-in never reached ${redirectUri}; ended on ${done.page.url}`);
  return done.stoppedAt;
}
