// The import rules of `npm run lint` (.dependency-cruiser.mjs) bite: a fixture tree laid out like
// this repository, with one file per kind of wrong import, is cruised with the project's own rules.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
let dir: string;
let violations: Array<{ from: string; to: string; rule: string }>;

const files: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowImportingTsExtensions: true, noEmit: true } }),
  'src/domain/scores.ts': 'export const grid = 0.5;\n',
  'src/lib/uses-a-feature.ts': "import { route } from '../submissions/routes.ts';\nexport const r = route;\n",
  'src/submissions/routes.ts': "import { grid } from '../domain/scores.ts';\nexport const route = grid;\n",
  'src/domain/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
  'src/domain/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
  'src/lib/prisma.ts': 'export const prisma = {};\n',
  'activities/index.ts': 'export const acts = {};\nexport type Acts = typeof acts;\n',
  'workflows/reads-the-database.ts': "import { prisma } from '../src/lib/prisma.ts';\nexport const p = prisma;\n",
  'workflows/runs-an-activity-itself.ts': "import { acts } from '../activities/index.ts';\nexport const a = acts;\n",
  'workflows/clean.workflow.ts': "import type { Acts } from '../activities/index.ts';\nimport { grid } from '../src/domain/scores.ts';\nexport const use = (a: Acts) => [a, grid];\n",
  'src/testing/essays.ts': "export const essay = 'Dear Tom';\n",
  'src/reviews/uses-test-data.ts': "import { essay } from '../testing/essays.ts';\nexport const e = essay;\n",
  'bench/uses-test-data.ts': "import { essay } from '../src/testing/essays.ts';\nexport const e = essay;\n",
  'web/src/reads-the-database.ts': "import { prisma } from '../../src/lib/prisma.ts';\nexport const p = prisma;\n",
  'web/src/shares-the-arithmetic.ts': "import { grid } from '../../src/domain/scores.ts';\nexport const g = grid;\n",
};

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vstep-imports-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  const cli = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
  const args = [cli, '--config', path.join(root, '.dependency-cruiser.mjs'), '--output-type', 'json', 'src', 'workflows', 'activities', 'bench', 'web/src'];
  // Exits non-zero when it finds violations, which is the point here.
  let output: string;
  try {
    output = execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
  } catch (error) {
    output = (error as { stdout: string }).stdout;
  }
  violations = (JSON.parse(output) as { summary: { violations: Array<{ from: string; to: string; rule: { name: string } }> } }).summary.violations.map(
    (v) => ({ from: v.from, to: v.to, rule: v.rule.name }),
  );
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('import rules', () => {
  it.each([
    ['a lower layer imports a higher one', 'src/lib/uses-a-feature.ts', 'src/submissions/routes.ts', 'layer-lib'],
    ['two modules import each other', 'src/domain/a.ts', 'src/domain/b.ts', 'no-cycle'],
    ['workflow code runs a database module', 'workflows/reads-the-database.ts', 'src/lib/prisma.ts', 'workflow-sandbox'],
    ['workflow code imports activities as values', 'workflows/runs-an-activity-itself.ts', 'activities/index.ts', 'workflow-sandbox'],
    ['the platform imports test data', 'src/reviews/uses-test-data.ts', 'src/testing/essays.ts', 'test-support'],
    ['the console imports server code', 'web/src/reads-the-database.ts', 'src/lib/prisma.ts', 'console-boundary'],
  ])('when %s, then lint reports it', (_case, from, to, rule) => {
    expect(violations).toContainEqual({ from, to, rule });
  });

  it('when imports point down, are type-only from workflows, or share the arithmetic with the console, then nothing is reported', () => {
    const clean = ['workflows/clean.workflow.ts', 'bench/uses-test-data.ts', 'web/src/shares-the-arithmetic.ts', 'src/submissions/routes.ts'];
    expect(violations.filter((v) => clean.includes(v.from))).toEqual([]);
    // Only the files written to break a rule broke one (a cycle is reported once).
    expect([...new Set(violations.map((v) => v.from))].sort()).toEqual(
      [
        'src/domain/a.ts',
        'src/lib/uses-a-feature.ts',
        'src/reviews/uses-test-data.ts',
        'web/src/reads-the-database.ts',
        'workflows/reads-the-database.ts',
        'workflows/runs-an-activity-itself.ts',
      ].sort(),
    );
  });
});
