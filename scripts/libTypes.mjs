// The library's .d.ts files: src/lib.ts's declarations and those they name, each made from its
// own source alone (TypeScript's transpileDeclaration, as under isolatedDeclarations: no type
// checking, so it takes milliseconds; `npx tsc --noEmit` checks the types). Only files the
// declarations reach are written, and they may import only each other and Node's own modules:
// a consumer has neither commander nor hflogin's sources, so a declaration naming them would not
// compile there (src/libTypes.ts is written out for this).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Writes `entry`'s declarations (and those they import) under `outDir`, mirroring src/. */
export async function writeLibraryTypes(entry, outDir, srcDir = 'src') {
  const pending = [resolve(entry)];
  const done = new Set();
  while (pending.length > 0) {
    const file = pending.pop();
    if (done.has(file)) continue;
    done.add(file);
    const source = await readFile(file, 'utf8');
    const { outputText, diagnostics } = ts.transpileDeclaration(source, {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        strict: true,
        verbatimModuleSyntax: true,
      },
    });
    if (diagnostics?.length)
      throw new Error(
        `${relative('.', file)}: ${diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')).join('; ')}`,
      );
    for (const specifier of importsOf(outputText)) {
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!specifier.startsWith('node:'))
        throw new Error(
          `${relative('.', file)}'s declarations import ${specifier}, which a consumer may not have`,
        );
    }
    const target = join(outDir, relative(resolve(srcDir), file).replace(/\.ts$/, '.d.ts'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
  }
}

/** The module specifiers a declaration file imports or re-exports (`import('…')` types too). */
function importsOf(text) {
  const found = [];
  for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g))
    found.push(match[1]);
  return found;
}
