// The line stage's keyword search: which of two word sets a line holds, in one pass over its
// characters. Every line of a scan goes through it, so it is an automaton (Aho-Corasick, compiled
// to a table) rather than a RegExp alternation: irregexp tries the alternatives one after another
// at each position, and with the hundred-odd words the rules' vocabularies give, that cost grew
// with every word added; the table costs the same for any number of words.

/** A line holds a word that makes it wanted whole. */
export const KEEP = 1;
/** A line holds a word of a line that is only counted per message. */
export const COUNT = 2;

/**
 * Finds whether a line holds a `keep` word, a `count` word, or neither. Words are plain
 * substrings matched regardless of case, as a RegExp with the `i` flag matches them: a letter
 * meets both its cases, and any other character itself.
 */
export class WordMatcher {
  /** Character class of each UTF-16 code unit (0: in no word). */
  private readonly cls = new Uint8Array(65536);
  /**
   * The automaton: entry of (state, class) is the next state's row offset shifted left by two,
   * or'ed with what a match ending there means (KEEP, COUNT). Row offset = state × classes.
   */
  private readonly delta: Int32Array;

  constructor(keep: readonly string[], count: readonly string[]) {
    const words: [string, number][] = [...keep.map((w): [string, number] => [w, KEEP]), ...count.map((w): [string, number] => [w, COUNT])].filter(([w]) => w !== '');
    // Classes: one per character of the words, shared by a letter's cases (as the `i` flag of a
    // RegExp without `u` does it: never between an ASCII and a non-ASCII character).
    let classes = 1;
    for (const [w] of words) {
      for (let i = 0; i < w.length; i++) {
        const c = w.charCodeAt(i);
        if (this.cls[c] !== 0) continue;
        const k = classes++;
        const ch = w[i]!;
        for (const v of [ch, ch.toLowerCase(), ch.toUpperCase()]) {
          const vc = v.charCodeAt(0);
          if (v.length === 1 && vc < 128 === c < 128 && this.cls[vc] === 0) this.cls[vc] = k;
        }
      }
    }
    if (classes > 255) throw new RangeError('too many distinct characters in the keywords');
    // The trie of the words, then failure links breadth-first (the goto function made total).
    const next: Int32Array[] = [new Int32Array(classes).fill(-1)];
    const out: number[] = [0];
    for (const [w, flag] of words) {
      let s = 0;
      for (let i = 0; i < w.length; i++) {
        const k = this.cls[w.charCodeAt(i)]!;
        if (next[s]![k]! < 0) {
          next[s]![k] = next.length;
          next.push(new Int32Array(classes).fill(-1));
          out.push(0);
        }
        s = next[s]![k]!;
      }
      out[s]! |= flag;
    }
    const fail = new Int32Array(next.length);
    const queue: number[] = [];
    for (let k = 0; k < classes; k++) {
      const t = next[0]![k]!;
      if (t < 0) next[0]![k] = 0;
      else queue.push(t);
    }
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q]!;
      out[s]! |= out[fail[s]!]!;
      for (let k = 0; k < classes; k++) {
        const t = next[s]![k]!;
        if (t < 0) next[s]![k] = next[fail[s]!]![k]!;
        else {
          fail[t] = next[fail[s]!]![k]!;
          queue.push(t);
        }
      }
    }
    this.delta = new Int32Array(next.length * classes);
    for (let s = 0; s < next.length; s++) {
      for (let k = 0; k < classes; k++) {
        const t = next[s]![k]!;
        this.delta[s * classes + k] = ((t * classes) << 2) | out[t]!;
      }
    }
  }

  /** KEEP, COUNT (or both) for what text[start, end) holds; 0 for neither. Stops at the first KEEP word. */
  flags(text: string, start: number, end: number): number {
    const { cls, delta } = this;
    let e = 0;
    let f = 0;
    for (let i = start; i < end; i++) {
      e = delta[(e >> 2) + cls[text.charCodeAt(i)]!]!;
      f |= e;
      if ((f & KEEP) !== 0) return f & 3;
    }
    return f & 3;
  }
}
