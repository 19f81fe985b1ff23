// Minimal typings for packages that ship none.
declare module 'nspell' {
  interface Dictionary {
    aff: Uint8Array | string;
    dic?: Uint8Array | string;
  }
  interface NSpell {
    correct(word: string): boolean;
    suggest(word: string): string[];
  }
  const nspell: (dictionary: Dictionary) => NSpell;
  export default nspell;
}
