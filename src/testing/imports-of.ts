/**
 * For tests: the module specifiers a compiled .js (or a .ts source) file
 * imports, found with a regex rather than a parser: static imports and
 * re-exports (`import … from`, `export … from`, `import 'x'`) and dynamic
 * `import('x')` (in a .ts source also `typeof import('x')` types). A
 * statement starts a line, so examples inside JSDoc (` * import …`) are not
 * counted.
 */
import { readFileSync } from 'node:fs';

export function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]/g)) specs.push(m[1]!);
  for (const m of src.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) specs.push(m[1]!);
  for (const m of src.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]!);
  return specs;
}
