import { label } from '../lib/format.ts';
import type { Mode } from '../lib/types.ts';

export function ModeField({ value, onChange }: { value: Mode; onChange: (mode: Mode) => void }) {
  return (
    <fieldset class="modes">
      <legend>Grading</legend>
      {(['auto', 'hybrid', 'human'] as const).map((mode) => (
        <label key={mode} class="choice">
          <input type="radio" name="mode" value={mode} checked={value === mode} onChange={() => onChange(mode)} />
          {label(mode)}
        </label>
      ))}
    </fieldset>
  );
}
