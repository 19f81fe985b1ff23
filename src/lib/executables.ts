// Locating installed programs without a shell: a name is searched on PATH, a path is checked.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The executable `nameOrPath` resolves to, or null when there is none. */
export function findOnPath(nameOrPath: string): string | null {
  if (nameOrPath.includes('/')) return isExecutable(nameOrPath) ? path.resolve(nameOrPath) : null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, nameOrPath);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}
