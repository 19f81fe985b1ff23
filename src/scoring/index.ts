import type { Config } from '../config/env.ts';
import { BaselineScorer } from './baseline-scorer.ts';
import type { Scorer } from './scorer.ts';

export function createScorer(config: Config): Scorer {
  switch (config.scoring.provider) {
    case 'offline':
      return new BaselineScorer();
  }
}
