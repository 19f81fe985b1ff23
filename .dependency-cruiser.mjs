// The import rules `npm run lint` enforces with dependency-cruiser: layers that only point down,
// no import cycles, workflow code that stays inside what Temporal's sandbox can replay, and test
// support that only tests and the benchmark use. docs/architecture.md draws the same layers.

/** From the bottom up. A module may import its own layer and any layer below it, never one above. */
export const layers = [
  { name: 'generated', paths: ['src/generated/'] },
  { name: 'domain', paths: ['src/domain/'] },
  { name: 'config', paths: ['src/config/'] },
  { name: 'lib', paths: ['src/lib/'] },
  { name: 'services', paths: ['src/providers/', 'src/storage/', 'src/speech/', 'src/scoring/', 'src/evaluation/', 'src/testing/'] },
  { name: 'grading', paths: ['src/grading/'] },
  { name: 'features', paths: ['src/auth/', 'src/tasks/', 'src/sittings/', 'src/submissions/', 'src/reviews/', 'src/attempts/', 'src/progress/', 'src/live/', 'src/console/', 'src/health/', 'src/users/', 'src/audit/', 'src/moderation/'] },
  { name: 'activities', paths: ['activities/'] },
  { name: 'workflows', paths: ['workflows/'] },
  { name: 'workers', paths: ['workers/'] },
  { name: 'shell', paths: ['src/http/', 'src/embedded/'] },
  { name: 'tools', paths: ['scripts/', 'bench/'] },
  { name: 'tests', paths: ['test/'] },
];

const pattern = (paths) => `^(${paths.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`;

/** What Temporal replays: workflow code and the pure modules it runs (type-only imports aside). */
const sandbox = pattern(['workflows/', 'src/domain/', 'src/grading/contract.ts', 'src/grading/review-decision.ts', 'src/grading/search-attributes.ts']);

export default {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'Modules that import each other, directly or round a loop, cannot be understood or changed one at a time.',
      from: {},
      to: { circular: true },
    },
    ...layers.slice(0, -1).map((layer, i) => ({
      name: `layer-${layer.name}`,
      severity: 'error',
      comment: `${layer.name} sits below ${layers.slice(i + 1).map((l) => l.name).join(', ')}: it may not import them.`,
      from: { path: pattern(layer.paths) },
      to: { path: pattern(layers.slice(i + 1).flatMap((l) => l.paths)) },
    })),
    {
      name: 'workflow-sandbox',
      severity: 'error',
      comment: 'Workflow code and the modules it runs are replayed deterministically: they may run only each other (types from anywhere).',
      from: { path: sandbox },
      to: { path: '^(src|activities|workers|scripts|bench|test)/', pathNot: sandbox, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'test-support',
      severity: 'error',
      comment: 'src/testing holds stand-ins and sample data for the tests and the benchmark, never for the platform itself.',
      from: { pathNot: '^(test|bench|src/testing)/' },
      to: { path: '^src/testing/' },
    },
    {
      name: 'console-boundary',
      severity: 'error',
      comment: 'The web console talks to the API over HTTP; it bundles only the shared rules: score arithmetic, when two marks differ, the audit actions, word count.',
      from: { path: '^web/src/' },
      to: { path: '^(src|activities|workflows|workers|scripts|bench|test)/', pathNot: '^src/(domain/(scores|moderation|audit-actions)|scoring/text-features)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|src/generated|web/dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
  },
};
