// What a long-lived answer (an event stream, a long-poll) needs from its connection: noticing
// the client leave at any moment, and doing its work one pass at a time.
import type { Request, Response } from 'express';

/**
 * One client connection's lifetime: noticed as over from the start (a client may hang up while
 * the first reads run, even during authentication), and what was added runs once when it ends.
 */
export function lifetime(req: Request, res: Response) {
  const stops: Array<() => unknown> = [];
  let ended = false;
  const end = () => {
    ended = true;
    for (const stop of stops.splice(0)) stop();
  };
  res.on('close', end);
  return {
    get over() {
      return ended || req.socket.destroyed;
    },
    add(stop: () => unknown) {
      if (ended) stop();
      else stops.push(stop);
    },
    end,
  };
}

/** Runs `task` one pass at a time; asked again while a pass runs, it runs once more after it. */
export function serialised(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await task();
        } while (again);
      } finally {
        // In the same tick as the last check of `again`: a request after it starts a new pass.
        running = null;
      }
    })();
    return running;
  };
}
