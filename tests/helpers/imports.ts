// The TypeScript sources reachable from an entry through relative imports, and every bare import
// they make: how the browser-safety tests check that an entry never reaches a node: module.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function walkImports(entry: string): { files: string[]; bare: string[] } {
  const files: string[] = [], bare: string[] = [];
  const todo = [entry];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (files.includes(f)) continue;
    files.push(f);
    for (const m of readFileSync(f, 'utf8').matchAll(/^(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
      if (m[1].startsWith('.')) todo.push(resolve(dirname(f), m[1].replace(/\.js$/, '.ts')));
      else bare.push(m[1]);
    }
  }
  return { files, bare };
}
