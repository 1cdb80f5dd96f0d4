// examples/tutorial.ts is outside the build (tsconfig includes src only): type-check it here, as a user's file would be.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import ts from 'typescript';

test('examples/tutorial.ts type-checks against the library', () => {
  const configPath = fileURLToPath(new URL('../../examples/tsconfig.json', import.meta.url));
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(String(d.messageText)) });
  assert.ok(config);
  const file = config.fileNames.find((f) => f.endsWith('examples/tutorial.ts'));
  assert.ok(file, `examples/tutorial.ts is in ${configPath}`);
  const program = ts.createProgram([file], config.options);
  // Only the example's own diagnostics: the library is type-checked by the build.
  const source = program.getSourceFile(file)!;
  const problems = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]
    .map((d) => `${d.start !== undefined ? source.getLineAndCharacterOfPosition(d.start).line + 1 : '?'}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  assert.deepEqual(problems, []);
});
