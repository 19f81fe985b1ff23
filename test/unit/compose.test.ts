// Nothing here can run Docker, so the stack is checked as a graph: the services the platform
// needs, their health checks and start order, documented variables, ports, secrets, and the
// image and monitoring files it refers to.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { registry } from '../../src/lib/metrics.ts';
import { installDatabaseMetrics } from '../../src/lib/db-metrics.ts';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const source = read('docker-compose.yml');
interface Service {
  image?: string;
  build?: unknown;
  healthcheck?: { test: unknown };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  container_name?: string;
  restart?: string;
}
const compose = parse(source, { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = compose.services;
const oneShot = ['temporal-schema', 'temporal-register', 'migrate'];

describe('docker-compose.yml', () => {
  it('when parsed, then it has every service the platform needs', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['api', 'grafana', 'migrate', 'postgres', 'prometheus', 'redis', 'temporal', 'temporal-db', 'temporal-register', 'temporal-schema', 'temporal-ui', 'whisper', 'worker'].sort(),
    );
    // Temporal keeps its own persistence, apart from the application database.
    expect(services['temporal']!.environment!.POSTGRES_SEEDS).toBe('temporal-db');
    expect(services['api']!.environment!.DATABASE_URL).toMatch(/@postgres:5432\//);
    // No deprecated auto-setup image.
    expect(source).not.toMatch(/auto-setup/);
    expect(services['temporal-schema']!.image).toMatch(/^temporalio\/admin-tools:/);
    expect(services['temporal-register']!.image).toMatch(/^temporalio\/admin-tools:/);
    expect(services['temporal-ui']!.image).toMatch(/^temporalio\/ui:/);
  });

  it('when services depend on each other, then only on healthy or finished services, with no cycle', () => {
    for (const [name, service] of Object.entries(services)) {
      if (!oneShot.includes(name)) expect(service.healthcheck, `${name} has a healthcheck`).toBeDefined();
      for (const [dep, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[dep], `${name} depends on a defined ${dep}`).toBeDefined();
        expect(condition, `${name} -> ${dep}`).toBe(oneShot.includes(dep) ? 'service_completed_successfully' : 'service_healthy');
      }
    }
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string) => {
      if (done.has(name)) return;
      expect(visiting.has(name), `cycle through ${name}`).toBe(false);
      visiting.add(name);
      for (const dep of Object.keys(services[name]!.depends_on ?? {})) visit(dep);
      visiting.delete(name);
      done.add(name);
    };
    Object.keys(services).forEach(visit);
  });

  it('when the stack starts, then migrations run once before the API and workers, and Temporal is set up first', () => {
    const deps = (name: string) => Object.keys(services[name]!.depends_on ?? {});
    expect(deps('migrate')).toEqual(['postgres']);
    expect(services['migrate']!.restart).toBe('no');
    expect(deps('api')).toEqual(expect.arrayContaining(['migrate', 'temporal-register', 'redis']));
    expect(deps('worker')).toEqual(expect.arrayContaining(['migrate', 'temporal-register', 'redis', 'whisper']));
    // Every worker shares the one offline recogniser, which runs from the app image.
    expect(services['worker']!.environment!.WHISPER_URL).toBe('http://whisper:8178/v1');
    expect(services['whisper']!.image).toBe(services['worker']!.image);
    expect(deps('temporal')).toEqual(['temporal-schema']);
    expect(deps('temporal-register')).toEqual(['temporal']);
    expect(deps('temporal-schema')).toEqual(['temporal-db']);
  });

  it('when workers are scaled, then nothing pins them: no container name, no host port; they share the audio volume with the API', () => {
    const worker = services['worker']!;
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    expect(worker.volumes).toContain('audio:/data/audio');
    expect(services['api']!.volumes).toContain('audio:/data/audio');
    expect(worker.environment!.AUDIO_STORAGE_DIR).toBe('/data/audio');
  });

  it('when ports are published, then they are the documented ones', () => {
    const published = Object.fromEntries(Object.entries(services).flatMap(([name, s]) => (s.ports ?? []).map((p) => [name, p])));
    expect(published).toEqual({
      api: '${API_PORT:-3000}:3000',
      temporal: '${TEMPORAL_PORT:-7233}:7233',
      'temporal-ui': '${TEMPORAL_UI_PORT:-8080}:8080',
      prometheus: '${PROMETHEUS_PORT:-9090}:9090',
      grafana: '${GRAFANA_PORT:-3001}:3000',
    });
    expect(services['prometheus']!.profiles).toEqual(['monitoring']);
    expect(services['grafana']!.profiles).toEqual(['monitoring']);
  });

  it('when it refers to variables, then each is documented in .env.example, and no secret has a default', () => {
    const example = read('.env.example');
    const documented = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const used = [...source.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(20);
    for (const name of used) expect(documented.has(name), `${name} in .env.example`).toBe(true);
    for (const secret of ['POSTGRES_PASSWORD', 'TEMPORAL_DB_PASSWORD', 'JWT_KEYS', 'JWT_SIGNING_KID', 'GRAFANA_ADMIN_PASSWORD']) {
      expect(source, secret).toMatch(new RegExp(`\\$\\{${secret}:\\?`));
      expect(source, secret).not.toMatch(new RegExp(`\\$\\{${secret}:-`));
      expect(example, secret).toMatch(new RegExp(`^${secret}=$`, 'm'));
    }
  });

  it('when volumes are mounted, then named ones are declared and files exist in the repository', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const [sourcePath] = volume.split(':');
        if (sourcePath!.startsWith('./')) expect(existsSync(path.join(root, sourcePath!)), `${name}: ${sourcePath}`).toBe(true);
        else expect(compose.volumes, `${name}: ${sourcePath}`).toHaveProperty(sourcePath!);
      }
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  it('when built, then it is multi-stage on Debian slim (not Alpine) and runs as a non-root user', () => {
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const image of froms) expect(image).toMatch(/^node:20-bookworm-slim$/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(read('.dockerignore')).toMatch(/^\.env$/m);
  });
});

describe('monitoring', () => {
  it('when Prometheus scrapes, then it finds the API and every worker replica', () => {
    const config = parse(read('deploy/prometheus/prometheus.yml')) as { scrape_configs: Array<{ job_name: string; static_configs?: Array<{ targets: string[] }>; dns_sd_configs?: Array<{ names: string[]; port: number }> }> };
    const jobs = Object.fromEntries(config.scrape_configs.map((j) => [j.job_name, j]));
    expect(jobs.api!.static_configs![0]!.targets).toEqual(['api:3000']);
    expect(jobs.worker!.dns_sd_configs![0]).toMatchObject({ names: ['worker'], port: 3100 });
  });

  it('when the Grafana dashboard queries metrics, then every metric it names exists in the application', () => {
    // Registers the scrape-time gauges; their queries only run when scraped, which this test never does.
    installDatabaseMetrics({} as never);
    const known = new Set(registry.getMetricsAsArray().map((m) => (m as unknown as { name: string }).name));
    const dashboard = JSON.parse(read('deploy/grafana/dashboards/vstep.json')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(12);
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) {
        for (const name of expr.match(/vstep_[a-z_]+/g) ?? []) {
          const base = name.replace(/_(bucket|count|sum)$/, '');
          expect(known.has(base), `${panel.title}: ${name}`).toBe(true);
        }
      }
    }
  });
});
