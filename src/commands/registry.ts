import { api } from './api/definition.js';
import type { CommandDefinition } from './command.js';
import { completeValues, completion } from './completion/definition.js';
import { config } from './config/definition.js';
import { doctor } from './doctor/definition.js';
import { login } from './login/definition.js';
import { logout } from './logout/definition.js';
import { status } from './status/definition.js';
import { token } from './token/definition.js';
import { whoami } from './whoami/definition.js';

/**
 * Every command, in the order `hflogin --help` lists them (the hidden `__complete` is the completion
 * scripts' own). To add one, see docs/architecture.md.
 */
export const commands: Array<CommandDefinition<never>> = [
  login,
  whoami,
  status,
  token,
  api,
  logout,
  config,
  doctor,
  completion,
  completeValues,
];
