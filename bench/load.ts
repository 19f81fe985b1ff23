// Load generation and process handling for the benchmark: keep-alive HTTP clients, the
// platform's entry points as child processes, and their memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');

export interface Reply {
  status: number;
  body: string;
  ms: number;
}

/** One HTTP request over `agent`; `ms` is the time to the last byte of the answer. */
export function send(agent: Agent, url: string, method: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface Burst {
  /** Replies in the order they completed; failed connections count as status 0. */
  replies: Reply[];
  wallMs: number;
  acceptedPerSecond: number;
  startedAt: number;
}

/**
 * `total` requests from `clients` concurrent clients, each sending its next request as soon as
 * the previous one is answered. `make(i, client)` builds request i.
 */
export async function burst(
  total: number,
  clients: number,
  make: (i: number, client: number) => { url: string; headers: Record<string, string>; body: string },
): Promise<Burst> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const replies: Reply[] = [];
  let next = 0;
  const startedAt = Date.now();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (next < total) {
        const i = next++;
        const { url, headers, body } = make(i, client);
        replies.push(await send(agent, url, 'POST', headers, body).catch(() => ({ status: 0, body: '', ms: 0 })));
      }
    }),
  );
  const wallMs = performance.now() - started;
  agent.destroy();
  const accepted = replies.filter((r) => r.status === 202).length;
  return { replies, wallMs, acceptedPerSecond: accepted / (wallMs / 1000), startedAt };
}

export interface Child {
  name: string;
  process: ChildProcess;
  /** Largest resident set seen by the sampler, in MiB. */
  peakRssMiB: () => number;
  /** The kernel's high-water mark of the resident set (VmHWM), in MiB. */
  highWaterMiB: () => number;
  stop: () => Promise<void>;
}

function statusField(pid: number, field: string): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs a TypeScript entry point with node (so the pid is the process measured), logging to `logFile`. */
export function runChild(name: string, entry: string, env: Record<string, string | undefined>, logFile: string): Child {
  const log = openSync(logFile, 'a');
  // BENCH_PROFILE_DIR: a V8 CPU profile of each child, written when it exits.
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', entry], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
  let peak = 0;
  let last = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, statusField(child.pid!, 'VmRSS'));
    last = Math.max(last, statusField(child.pid!, 'VmHWM'));
  }, 200);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    process: child,
    peakRssMiB: () => Math.round(peak),
    highWaterMiB: () => Math.round(Math.max(last, statusField(child.pid!, 'VmHWM'))),
    async stop() {
      clearInterval(sampler);
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers 200, or fails after `timeoutMs`. */
export async function waitForOk(url: string, child: Child, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited with ${child.process.exitCode}`);
    const ok = await fetch(url).then((r) => r.status === 200, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${child.name} did not become ready at ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
