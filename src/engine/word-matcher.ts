// The line stage's keyword search: which rules' words a line holds, in one pass over its
// characters. Every line of a scan goes through it, so it is an automaton (Aho-Corasick, compiled
// to a table) rather than a RegExp alternation: irregexp tries the alternatives one after another
// at each position, and with the hundred-odd words the rules' vocabularies give, that cost grew
// with every word added; the table costs the same for any number of words.

/** Groups of words told apart (a group's bits: `1 << g` for its kept words, `COUNT_SHIFT` above for its counted ones). */
export const MAX_GROUPS = 15;
/** Where a group's bit for its counted words is: `1 << (COUNT_SHIFT + g)`. */
export const COUNT_SHIFT = 15;
/** The bits of every group's kept words. */
export const KEEP = (1 << MAX_GROUPS) - 1;

/** The words of one group: those that make a line wanted whole, and those that only count it. */
export interface WordGroup {
  keywords: readonly string[];
  counts?: readonly string[];
}

/**
 * Finds which groups' words a line holds, kept and counted apart. Words are plain substrings
 * matched regardless of case, as a RegExp with the `i` flag matches them: a letter meets both its
 * cases, and any other character itself. Groups past MAX_GROUPS share the last group's bits.
 */
export class WordMatcher {
  /** Character class of each UTF-16 code unit (0: in no word). */
  private readonly cls = new Uint8Array(65536);
  /**
   * The automaton: entry of (state, class) is the next state's row offset (state × classes)
   * shifted left by one, or'ed with 1 when a word ends there. 16-bit entries when they fit (the
   * rules' vocabularies give about 30 000 entries): half the table is half the cache it takes,
   * and every character of every line reads it.
   */
  private readonly delta: Uint16Array | Int32Array;
  /** The group bits of the words that end at each state, by row offset. */
  private readonly outs: Int32Array;

  constructor(groups: readonly WordGroup[]) {
    const words: [string, number][] = [];
    groups.forEach((g, i) => {
      const bit = Math.min(i, MAX_GROUPS - 1);
      for (const w of g.keywords) if (w) words.push([w, 1 << bit]);
      for (const w of g.counts ?? []) if (w) words.push([w, 1 << (COUNT_SHIFT + bit)]);
    });
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
    if (next.length * classes >= 1 << 29) throw new RangeError('too many keywords for the line filter');
    this.delta = next.length * classes * 2 <= 0xffff ? new Uint16Array(next.length * classes) : new Int32Array(next.length * classes);
    this.outs = new Int32Array(next.length * classes);
    for (let s = 0; s < next.length; s++) {
      this.outs[s * classes] = out[s]!;
      for (let k = 0; k < classes; k++) {
        const t = next[s]![k]!;
        this.delta[s * classes + k] = ((t * classes) << 1) | (out[t] !== 0 ? 1 : 0);
      }
    }
  }

  /** The group bits of the words text[start, end) holds (0: none). */
  flags(text: string, start: number, end: number): number {
    const { cls, delta, outs } = this;
    let e = 0;
    let f = 0;
    for (let i = start; i < end; i++) {
      e = delta[(e >> 1) + cls[text.charCodeAt(i)]!]!;
      if ((e & 1) !== 0) f |= outs[e >> 1]!;
    }
    return f;
  }
}
