import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/** docs/schemas: one JSON Schema (draft 2020-12) per command's --json output, and the error document. */
export const schemasDir = join(import.meta.dirname, '..', '..', 'docs', 'schemas');

export type SchemaName =
  | 'error'
  | 'whoami'
  | 'token'
  | 'status'
  | 'logout'
  | 'config-get'
  | 'config-set'
  | 'config-unset'
  | 'config-list'
  | 'config-init'
  | 'doctor'
  | 'login-event';

/** Every schema file, parsed, by name (`whoami` for whoami.schema.json). */
export function schemaFiles(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    readdirSync(schemasDir)
      .filter((file) => file.endsWith('.schema.json'))
      .map((file) => [
        file.replace(/\.schema\.json$/, ''),
        JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) as Record<string, unknown>,
      ]),
  );
}

// strict: a schema that uses an unknown keyword or leaves a type implicit fails to compile.
const ajv = new Ajv2020({ strict: true, allErrors: true });
const compiled = new Map<string, ValidateFunction>();

/** The validator of one schema, compiled once. */
export function validatorOf(name: SchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    const schema = schemaFiles()[name];
    if (!schema) throw new Error(`no docs/schemas/${name}.schema.json`);
    validate = ajv.compile(schema);
    compiled.set(name, validate);
  }
  return validate;
}

/** Throws, naming every violation, unless `document` is valid against the schema `name`. */
export function assertValid(name: SchemaName, document: unknown): void {
  const validate = validatorOf(name);
  if (!validate(document)) {
    throw new Error(
      `not valid against docs/schemas/${name}.schema.json:\n${ajv.errorsText(validate.errors, { separator: '\n' })}\n${JSON.stringify(document)}`,
    );
  }
}

/** Whether `document` is valid against the schema `name` (for tests that a schema refuses something). */
export function isValid(name: SchemaName, document: unknown): boolean {
  return validatorOf(name)(document) as boolean;
}
