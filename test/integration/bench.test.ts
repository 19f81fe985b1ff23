// The benchmark itself, in its quick form: it must keep running end to end (it starts a platform
// of its own), and even at this size nothing may be lost or doubled and every stream must hear
// the event. The numbers are for BENCHMARKS.md, not asserted here.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

it('when npm run bench -- --quick runs, then it writes results in which no submission is lost or doubled and every stream got the event', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'vstep-bench-test-'));
  try {
    const out = path.join(dir, 'result.json');
    const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['bench/run.ts', '--quick', '--n', '100', '--c', '10', '--s', '20', '--m', '3', '--rpm-n', '20', '--out', out, '--no-markdown'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, output).toBe(0);
    const result = JSON.parse(await readFile(out, 'utf8'));
    expect(result.burst.api).toMatchObject({ requests: 100, accepted: 100, refused: 0 });
    expect(result.burst.baseline).toMatchObject({ requests: 100, accepted: 100 });
    expect(result.burst.lost).toBe(0);
    for (const drain of [result.drain.providerLatency0ms, result.drain.providerLatency1000ms]) {
      expect(drain).toMatchObject({ stored: 100, completed: 100, duplicated: 0 });
    }
    expect(result.rateLimit.served).toBe(20);
    expect(result.sseFanOut).toMatchObject({ streams: 20, delivered: 20 });
    expect(result.machine.cpus).toBeGreaterThan(0);
    expect(result.memory.api.peakRssMiB).toBeGreaterThan(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 300_000);
