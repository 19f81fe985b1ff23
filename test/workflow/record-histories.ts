// npm run record:histories — records test/fixtures/histories from the current workflow code:
// each scenario of history-scenarios.ts runs on a Temporal dev server (search attributes
// registered, as in production) against stub activities, and its history is written as the
// Temporal CLI exports it. By default only scenarios without a fixture are recorded (a new path
// of the workflow gets its history; the old ones keep proving that old runs replay). With
// `-- --all` every fixture is re-recorded: only when a workflow change is meant to break old
// histories, which is only allowed before the first release (docs/development.md, "Changing the
// workflow"); after that, guard with patched().
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { freePort } from '../../src/embedded/ports.ts';
import { startTemporalDevServer } from '../../src/embedded/temporal.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { installTemporalRuntime } from '../../src/lib/temporal-runtime.ts';
import { workflowInterceptorModules, workflowsPath } from '../../workers/create-grading-worker.ts';
import { completeWhenAwaited, decisionFor, inputFor, stateWhen, stubActivities, taskOf, type Call } from './harness.ts';
import { historyScenarios } from './history-scenarios.ts';
import { completeReviewUpdate, gradeSubmissionWorkflowType, requestIdHeader, workflowIdFor } from '../../src/grading/contract.ts';
import { modeAttribute, skillAttribute, statusAttribute, taskAttribute } from '../../src/grading/search-attributes.ts';

const dir = path.resolve(import.meta.dirname, '../fixtures/histories');
const noop = () => undefined;
const quiet = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

// The failures the scenarios script are expected: only errors are worth printing.
installTemporalRuntime(createLogger({ level: 'error' }));
const temporal = await startTemporalDevServer({ port: await freePort() });
const connection = await Connection.connect({ address: temporal.address });
const client = new Client({ connection });
const native = await NativeConnection.connect({ address: temporal.address });
try {
  const workflowBundle = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger: quiet });
  await mkdir(dir, { recursive: true });
  const all = process.argv.includes('--all');
  const kept = new Set(all ? [] : (await readdir(dir)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)));
  if (all) for (const file of await readdir(dir)) if (file.endsWith('.json')) await rm(path.join(dir, file));
  for (const { name, scenario, reviewed, waitMs, marks } of historyScenarios) {
    if (kept.has(name)) continue;
    const taskQueue = `record-${randomUUID()}`;
    const calls: Call[] = [];
    const worker = await Worker.create({ connection: native, taskQueue, workflowBundle, activities: stubActivities(scenario, calls) });
    const history = await worker.runUntil(async () => {
      const input = { ...inputFor(scenario, taskQueue, Date.now()), searchAttributes: true, requestId: randomUUID() };
      const handle = await client.workflow.start(gradeSubmissionWorkflowType, {
        workflowId: workflowIdFor(input.submissionId),
        taskQueue,
        args: [input],
        memo: { [requestIdHeader]: input.requestId },
        typedSearchAttributes: [
          { key: skillAttribute, value: scenario.skill },
          { key: taskAttribute, value: taskOf(scenario.skill) },
          { key: modeAttribute, value: scenario.mode },
          { key: statusAttribute, value: 'pending' },
        ],
      });
      for (const [i, score] of (marks ?? []).entries()) {
        const state = await stateWhen(handle, (s) => (s.reviews?.length ?? 0) > i && s.phase === 'awaiting_review', `marking ${i + 1} open`);
        await handle.executeUpdate(completeReviewUpdate, { args: [{ ...decisionFor(scenario.skill, score), reviewId: state.reviews![i]!.reviewId }] });
      }
      if (reviewed) {
        await stateWhen(handle, (s) => s.phase === 'awaiting_review', 'awaiting review');
        if (waitMs) await new Promise((resolve) => setTimeout(resolve, waitMs));
        await completeWhenAwaited(handle, decisionFor(scenario.skill));
      }
      await handle.result();
      return handle.fetchHistory();
    });
    await writeFile(path.join(dir, `${name}.json`), `${historyToJSON(history)}\n`);
    process.stdout.write(`${name}: ${history.events?.length} events (${calls.map((c) => c.name).join(', ')})\n`);
  }
} finally {
  await native.close();
  await connection.close();
  await temporal.stop();
}
