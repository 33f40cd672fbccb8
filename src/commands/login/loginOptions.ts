/** `hflogin login`'s options, as its definition (./definition.ts) parses them. */
export interface LoginOptions {
  profile?: string;
  endpoint?: string;
  appId?: string;
  deviceAppId?: string;
  device?: boolean;
  connector?: string | false;
  signUp: boolean;
  scope: string[];
  resource: string[];
  organization?: string;
  loginHint?: string;
  prompt: string;
  /** --select-account: `prompt` is then `login consent` (src/logto/scopes.ts). */
  selectAccount: boolean;
  port: number;
  browser: boolean;
  timeout: number;
  storage?: string;
  debug?: boolean;
  json?: boolean;
  color?: boolean;
}
