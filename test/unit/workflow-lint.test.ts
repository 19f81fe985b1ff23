import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: path.resolve(import.meta.dirname, '../..') });

async function lintAsWorkflow(source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: 'workflows/lint-fixture.workflow.ts' });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

describe('workflow lint rules', () => {
  it.each([
    ["import { readFile } from 'node:fs';", 'no-restricted-imports'],
    ["import crypto from 'crypto';", 'no-restricted-imports'],
    ["import { PrismaClient } from '@prisma/client';", 'no-restricted-imports'],
    ["import { createPrisma } from '../src/lib/prisma.ts';", 'no-restricted-imports'],
    ["import Redis from 'ioredis';", 'no-restricted-imports'],
    ["import OpenAI from 'openai';", 'no-restricted-imports'],
    ["export const env = process.env.X;", 'no-restricted-globals'],
  ])('when workflow code contains `%s`, then lint reports %s', async (line, rule) => {
    expect(await lintAsWorkflow(`${line}\nexport {};\n`)).toContain(rule);
  });

  it('when workflow code imports only the workflow SDK and activity types, then lint is clean', async () => {
    const source = [
      "import { proxyActivities } from '@temporalio/workflow';",
      "import type { GradingActivities } from '../activities/index.ts';",
      "export const acts = proxyActivities<GradingActivities>({ startToCloseTimeout: '1 minute' });",
    ].join('\n');
    expect(await lintAsWorkflow(`${source}\n`)).toEqual([]);
  });
});
