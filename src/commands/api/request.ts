import { readFile } from 'node:fs/promises';

import { usageError } from '../../io/errors.js';
import type { TerminalInput } from '../../io/terminalInput.js';

/** One `-f`/`-F` field as given: the key, and the value still as text. */
export interface Field {
  key: string;
  value: string;
}

/** What `hflogin api` sends, but for the token. */
export interface ApiRequest {
  url: URL;
  method: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Uint8Array | undefined;
}

/** What the request is made of (ApiOptions' part of it). */
export interface RequestParts {
  url: URL;
  method?: string;
  headers: Array<[string, string]>;
  rawFields: Field[];
  typedFields: Field[];
  input?: string;
}

/** Reads a file, or standard input for `-`: `-F key=@file` and `--input`. */
async function readSource(source: string, stdin: TerminalInput, flag: string): Promise<Buffer> {
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(source);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw usageError(
      `${flag} ${source}: cannot read the file (${code}).`,
      'Check the path ("-" reads stdin).',
    );
  }
}

/**
 * gh's "magic" field types (`gh api -F`): `true`, `false` and `null` are JSON's, an integer is a
 * number, `@file` is the file's text (`@-`: stdin); anything else stays a string.
 */
async function typedValue(value: string, stdin: TerminalInput): Promise<unknown> {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value === 'null') return null;
  if (/^-?\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  if (value.startsWith('@')) return (await readSource(value.slice(1), stdin, '-F')).toString('utf8');
  return value;
}

/**
 * The request as gh's `api` builds it: the method is GET, or POST once there are fields or an
 * --input body, unless -X says otherwise; fields are a JSON object in the body, or the query string
 * of a GET (or HEAD); --input is the body as it is. A body of fields is sent as JSON unless a
 * Content-Type header says otherwise.
 */
export async function buildRequest(parts: RequestParts, stdin: TerminalInput): Promise<ApiRequest> {
  const fields: Array<[string, unknown]> = parts.rawFields.map(({ key, value }) => [key, value]);
  for (const { key, value } of parts.typedFields) fields.push([key, await typedValue(value, stdin)]);
  const hasBody = fields.length > 0 || parts.input !== undefined;
  const method = parts.method ?? (hasBody ? 'POST' : 'GET');
  const url = new URL(parts.url);
  const headers: Record<string, string> = {};
  for (const [name, value] of parts.headers) {
    const key = name.toLowerCase();
    // Repeated, a header's values form one comma-separated list (RFC 9110 §5.3).
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  headers.accept ??= '*/*';
  let body: Uint8Array | undefined;
  if (parts.input !== undefined) {
    body = await readSource(parts.input, stdin, '--input');
  } else if (fields.length > 0 && (method === 'GET' || method === 'HEAD')) {
    for (const [key, value] of fields) url.searchParams.append(key, value === null ? '' : String(value));
  } else if (fields.length > 0) {
    body = Buffer.from(JSON.stringify(Object.fromEntries(fields)));
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  return { url, method, headers, body };
}
