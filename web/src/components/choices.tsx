import { label } from '../lib/format.ts';

interface Props<T extends string> {
  legend: string;
  name: string;
  options: readonly T[];
  value: T;
  onChange: (value: T) => void;
  /** The text of an option; by default its label. */
  describe?: (value: T) => string;
}

/** One choice among a few, as a group of radio buttons. */
export function Choices<T extends string>({ legend, name, options, value, onChange, describe = label }: Props<T>) {
  return (
    <fieldset class="modes">
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option} class="choice">
          <input type="radio" name={name} value={option} checked={value === option} onChange={() => onChange(option)} />
          {describe(option)}
        </label>
      ))}
    </fieldset>
  );
}
