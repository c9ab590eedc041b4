import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

/**
 * The dependency rule dependency-cruiser checks on compiled code, here on the sources, so that
 * type-only imports (erased by compilation) cannot bring framework types into the domain either.
 */
describe('the domain library', () => {
  const files = sources(root);

  it('has sources to check', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('imports nothing but its own modules (no framework, I/O, or Node built-ins)', () => {
    const offending: string[] = [];
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
        const specifier = match[1] ?? match[2]!;
        const inside = specifier.startsWith('.') && !relative(root, resolve(dirname(file), specifier)).startsWith('..');
        if (!inside) offending.push(`${relative(root, file)} → ${specifier}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
