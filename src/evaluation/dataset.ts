// A labelled essay set read from CSV: one essay per row, a text column, an optional id column
// and numeric human-score columns. Which of those columns stand for which of our criteria, and
// how the set's score scale relates to VSTEP's 0-10, is given separately (mapping, calibration).
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { writingCriteria } from '../domain/scores.ts';
import type { Calibration } from '../scoring/offline-writing-model.ts';
import type { Grid } from './metrics.ts';

export interface LabelledEssay {
  id: string;
  text: string;
  /** Human scores by column name, on the data set's own scale. */
  scores: Record<string, number>;
}

/** What our scorer reports (a writing criterion or 'overall'), keyed by the data set's column. */
export type ColumnMapping = Record<string, string>;

export const defaultCalibration: Calibration = { slope: 2, intercept: 0 };
export const defaultGrid: Grid = { min: 1, max: 5, step: 0.5 };
/** ELLIPSE's traits as our writing criteria. Syntax, phraseology and conventions have no counterpart. */
export const defaultMapping: ColumnMapping = { overall: 'overall', cohesion: 'organisation', vocabulary: 'vocabulary', grammar: 'grammar' };

export const toVstep = (score: number, c: Calibration) => c.slope * score + c.intercept;
export const fromVstep = (score: number, c: Calibration) => (score - c.intercept) / c.slope;

const targets = new Set<string>(['overall', ...writingCriteria]);

/** "grammar=grammar,cohesion=organisation" → { grammar: 'grammar', cohesion: 'organisation' }. */
export function parseMapping(spec: string): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const pair of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [column, target, extra] = pair.split('=').map((p) => p.trim());
    if (!column || !target || extra !== undefined) throw new Error(`"${pair}" is not column=criterion`);
    if (!targets.has(target)) throw new Error(`"${target}" is not one of ${[...targets].join(', ')}`);
    mapping[column] = target;
  }
  if (Object.keys(mapping).length === 0) throw new Error('the mapping names no columns');
  return mapping;
}

/** "2,0" → { slope: 2, intercept: 0 }. */
export function parseCalibration(spec: string): Calibration {
  const [slope, intercept, extra] = spec.split(',').map((p) => Number(p.trim()));
  if (slope === undefined || intercept === undefined || extra !== undefined || !Number.isFinite(slope) || !Number.isFinite(intercept) || slope <= 0) {
    throw new Error(`"${spec}" is not slope,intercept with a positive slope`);
  }
  return { slope, intercept };
}

/**
 * Reads the CSV (RFC 4180: quoted fields may hold commas, quotes and line breaks). Rows whose
 * mapped score columns are not all numbers inside the grid are refused with their line, so a
 * mis-mapped file fails loudly instead of scoring garbage.
 */
export async function readLabelledEssays(
  file: string,
  options: { mapping: ColumnMapping; textColumn?: string; idColumn?: string; grid?: Grid; limit?: number },
): Promise<LabelledEssay[]> {
  const { mapping, textColumn = 'text', idColumn = 'id', grid = defaultGrid, limit } = options;
  const records = parse(await readFile(file), { columns: true, skip_empty_lines: true, bom: true, trim: false }) as Record<string, string>[];
  if (records.length === 0) throw new Error(`${file} has no rows`);
  const header = Object.keys(records[0]!);
  for (const column of [textColumn, ...Object.keys(mapping)]) {
    if (!header.includes(column)) throw new Error(`${file} has no column "${column}" (it has ${header.join(', ')})`);
  }
  const rows = limit === undefined ? records : records.slice(0, limit);
  return rows.map((row, index) => {
    const scores: Record<string, number> = {};
    for (const column of Object.keys(mapping)) {
      const value = Number(row[column]);
      if (row[column]?.trim() === '' || !Number.isFinite(value) || value < grid.min || value > grid.max) {
        throw new Error(`row ${index + 1}: ${column} is "${row[column]}", not a score from ${grid.min} to ${grid.max}`);
      }
      scores[column] = value;
    }
    return { id: row[idColumn] ?? String(index + 1), text: row[textColumn] ?? '', scores };
  });
}
