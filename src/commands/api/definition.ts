import { isLoopback } from '../../config/endpoint.js';
import { usageError } from '../../io/errors.js';
import { defineCommand, globalOptions, optionalString, stringList } from '../command.js';
import type { ApiOptions, Field } from './run.js';

/** A repeatable flag whose every value is kept whole (a header or field value may hold commas). */
const repeated = (value: string, previous: string[] = []): string[] => [...previous, value];

/** RFC 9110 §5.1: a field name is a token. */
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `-H key:value`, split at the first colon as gh does, the value trimmed. */
function header(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  const value = colon > 0 ? text.slice(colon + 1).trim() : '';
  if (!headerName.test(name) || /[\r\n\0]/.test(value))
    throw usageError(`-H "${text}" is not a header.`, 'Give it as name:value, e.g. -H "Accept: text/plain".');
  if (name.toLowerCase() === 'authorization')
    throw usageError(
      'hflogin api sends the Authorization header itself, with the signed-in token.',
      'Leave out -H Authorization (to choose the token, use --resource or --organization).',
    );
  // The token goes to the URL's host, and only there: a Host header would name another (and, over
  // TLS, another server name) behind the same address.
  if (name.toLowerCase() === 'host')
    throw usageError(
      'hflogin api sends the Host header of the URL itself.',
      'Leave out -H Host: put the host in the URL instead.',
    );
  return [name, value];
}

/** `-f key=value` / `-F key=value`, split at the first `=`. */
function field(flag: '-f' | '-F', text: string): Field {
  const equals = text.indexOf('=');
  if (equals <= 0)
    throw usageError(`${flag} "${text}" is not a field.`, `Give it as key=value, e.g. ${flag} name=demo.`);
  return { key: text.slice(0, equals), value: text.slice(equals + 1) };
}

/** An absolute http(s) URL; plain http only to this machine (a token must not cross a network in clear). */
function apiUrl(text: string): URL {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw usageError(
      `"${text}" is not an API URL.`,
      'Give the whole URL, e.g. hflogin api https://api.example.com/v1/models',
    );
  if (url.protocol === 'http:' && !isLoopback(url))
    throw usageError(
      `Refusing to send a token over plain http to ${url.host}.`,
      'Use the https URL of the API (plain http is accepted only for localhost).',
    );
  if (url.username || url.password)
    throw usageError(
      'The URL carries a user name or password.',
      'Leave them out: hflogin api authenticates with the signed-in token.',
    );
  return url;
}

export const api = defineCommand<ApiOptions>({
  name: 'api <url>',
  summary: 'call an API with the signed-in token (like gh api): the response body on stdout',
  configure: (command) =>
    command
      .option('-X, --method <method>', 'HTTP method (default: GET, or POST with fields or --input)')
      .option('-H, --header <key:value>', 'add a request header (repeatable)', repeated)
      .option('-f, --raw-field <key=value>', 'add a string field (repeatable)', repeated)
      .option(
        '-F, --field <key=value>',
        'add a typed field: true, false, null and integers as JSON, @file the file, @- stdin (repeatable)',
        repeated,
      )
      .option('--input <file>', 'the request body from a file ("-": stdin); not with fields')
      .option('-i, --include', 'print the response status line and headers first')
      .option(
        '--resource <uri>',
        'the API resource to get a token for (default: the granted one the URL starts with)',
      )
      .option('--organization <id>', 'an organization token'),
  examples: [
    'hflogin api https://api.example.com/v1/models',
    'hflogin api -X POST https://api.example.com/v1/models -f name=demo -F private=true',
    'hflogin api https://api.example.com/v1/search -X GET -f q=llama    # fields as a query string',
    'hflogin api --input body.json -H "Content-Type: application/json" https://api.example.com/v1/jobs',
    'hflogin api -i --organization <org id> https://api.example.com/v1/org/members',
  ],
  parse: ({ flags, args }) => {
    const options = globalOptions(flags);
    if (options.json)
      throw usageError(
        'hflogin api has no --json: the response body is its output, as the API sent it.',
        'Leave out --json (an API that answers JSON prints JSON; pipe it to jq).',
      );
    const method = optionalString(flags.method);
    if (method !== undefined && !headerName.test(method))
      throw usageError(`-X "${method}" is not an HTTP method.`, 'e.g. -X POST');
    const rawFields = stringList(flags.rawField).map((text) => field('-f', text));
    const typedFields = stringList(flags.field).map((text) => field('-F', text));
    const input = optionalString(flags.input);
    if (input !== undefined && rawFields.length + typedFields.length > 0)
      throw usageError(
        '--input is the whole request body: it does not combine with -f or -F.',
        'Put the fields in the --input file, or leave out --input.',
      );
    return {
      ...options,
      url: apiUrl(args[0]!),
      method: method?.toUpperCase(),
      headers: stringList(flags.header).map(header),
      rawFields,
      typedFields,
      input,
      include: flags.include === true,
      resource: optionalString(flags.resource),
      organization: optionalString(flags.organization),
    };
  },
  load: async () => (await import('./run.js')).runApi,
});
