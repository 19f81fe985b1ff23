// The console's API types are generated from the OpenAPI document; a change to an operation's
// schemas that was not followed by `npm run build:web` fails here.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { apiTypes, apiTypesFile } from '../../scripts/api-types.ts';

describe("the console's API types", () => {
  it('when generated from the current OpenAPI document, then they equal the committed file (run npm run build:web if not)', async () => {
    const committed = await readFile(apiTypesFile, 'utf8');
    expect(committed).toContain('export type components');
    expect(committed === (await apiTypes()), 'web/src/lib/api-types.ts is stale: run npm run build:web').toBe(true);
  }, 30_000);
});
