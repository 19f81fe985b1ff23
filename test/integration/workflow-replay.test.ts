// Recorded GradeSubmission histories must replay against today's workflow code: a change that
// would break running workflows fails here. After a release such a change is guarded with
// patched() and the release's histories are kept (docs/development.md, "Changing the workflow"); `npm run
// record:histories` re-records them from test/workflow/history-scenarios.ts.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { installTemporalRuntime } from '../../src/lib/temporal-runtime.ts';
import { testLogger } from '../helpers/platform.ts';
import { historyScenarios } from '../workflow/history-scenarios.ts';

const dir = path.resolve(import.meta.dirname, '../fixtures/histories');

describe('workflow determinism', () => {
  it('when every recorded history is replayed with the current workflow code, then none diverges', async () => {
    installTemporalRuntime(testLogger);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    expect(files).toEqual(expect.arrayContaining(historyScenarios.map((s) => `${s.name}.json`)));
    for (const file of files) {
      // Histories as exported by `temporal workflow show --output json`.
      const history: unknown = JSON.parse(await readFile(path.join(dir, file), 'utf8'));
      await expect(
        Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history),
        file,
      ).resolves.toBeUndefined();
    }
  });
});
