// The burst's baseline: a bare Express endpoint that only inserts the submission row, with the
// same JSON parser, Prisma client, adapter and pool size as the API. No auth, validation,
// task lookup, event, idempotency or workflow start. Run by bench/run.ts as a child process.
import { randomUUID } from 'node:crypto';
import express from 'express';
import { createPrisma } from '../src/lib/prisma.ts';

const prisma = createPrisma(process.env.DATABASE_URL!, Number(process.env.DATABASE_POOL_SIZE ?? 10));
const app = express();
app.use(express.json({ limit: '256kb' }));
app.post('/submissions', async (req, res) => {
  const body = req.body as { taskId: string; text: string };
  const id = randomUUID();
  await prisma.submission.create({
    data: {
      id,
      skill: 'writing',
      task: 'task1',
      mode: 'auto',
      status: 'completed', // never picked up by a reconciler
      examTaskId: body.taskId,
      prompt: 'bare insert',
      text: body.text,
      workflowId: `bare-${id}`,
      deadlineAt: new Date(Date.now() + 1_200_000),
    },
  });
  res.status(202).json({ id });
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => server.close(() => void prisma.$disconnect().then(() => process.exit(0))));
