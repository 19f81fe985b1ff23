// npm run bench — runs the exam-deadline benchmark (bench/measure.ts) and writes its results to
// bench/results/<time>.json and BENCHMARKS.md. Options: --n 2000 --c 200 --s 1000 --m 30
// --rpm 600 --rpm-n 300 (--quick: a small run), --out <file>, --no-markdown.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { root } from './load.ts';
import { measure } from './measure.ts';
import { writeReport } from './report.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    n: { type: 'string' },
    c: { type: 'string' },
    s: { type: 'string' },
    m: { type: 'string' },
    rpm: { type: 'string' },
    'rpm-n': { type: 'string' },
    out: { type: 'string' },
    'no-markdown': { type: 'boolean', default: false },
  },
});
const quick = args.quick;
const cleanups: Array<() => Promise<unknown>> = [];
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const result = await measure(
    {
      N: Number(args.n ?? (quick ? 200 : 2000)),
      C: Number(args.c ?? (quick ? 20 : 200)),
      S: Number(args.s ?? (quick ? 50 : 1000)),
      M: Number(args.m ?? (quick ? 5 : 30)),
      RPM: Number(args.rpm ?? 600),
      RPM_N: Number(args['rpm-n'] ?? (quick ? 30 : 300)),
      command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    },
    cleanups,
  );
  await mkdir(path.join(root, 'bench/results'), { recursive: true });
  const out = args.out ?? path.join(root, 'bench/results', `${result.startedAt.replace(/[:.]/g, '-')}.json`);
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  say(`Results: ${path.relative(process.cwd(), out)}`);
  if (!args['no-markdown']) {
    await writeReport(path.join(root, 'BENCHMARKS.md'), result, path.relative(root, out));
    say('BENCHMARKS.md updated.');
  }
}

main()
  .then(async () => {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    process.exit(0);
  })
  .catch(async (error: unknown) => {
    console.error('bench failed:', error);
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    process.exit(1);
  });
