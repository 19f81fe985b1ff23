import type { Config } from '../config/env.ts';
import { BaselineScorer } from './baseline-scorer.ts';
import { LlmScorer } from './llm-scorer.ts';
import type { Scorer } from './scorer.ts';

export function createScorer(config: Config): Scorer {
  const { provider, openai } = config.scoring;
  return provider === 'openai' ? new LlmScorer(openai) : new BaselineScorer();
}
