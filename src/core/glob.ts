// Glob matching for suppressions: `*` is any run of characters (`/` included), `?` one character,
// everything else literal. Matched without regular expressions: a glob turned into a
// backtracking regex such as `^.*\..*\..*\..*\.example\.io$` takes time exponential in the
// number of stars on a long key that almost matches (over 300 s on a 3 000-character key).
// This is the two-pointer matcher that remembers only the last star: when a later literal fails,
// the last star takes one more character and matching resumes after it. Earlier stars never
// need to be revisited (a match found by moving an earlier star can be found by moving the last
// one), so the work is at most pattern length × value length character comparisons, and in
// practice close to the value's length.

/** Whether `value` matches the glob `pattern` as a whole (`*` any run, `?` one character). */
export function globMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1; // index in pattern of the last `*` seen
  let resume = 0; // index in value where that star's run ends for now
  const pn = pattern.length;
  const vn = value.length;
  while (v < vn) {
    const c = p < pn ? pattern.charCodeAt(p) : -1;
    if (c === 42 /* * */) {
      star = p++;
      resume = v;
    } else if (c !== -1 && (c === 63 /* ? */ || c === value.charCodeAt(v))) {
      p++;
      v++;
    } else if (star !== -1) {
      p = star + 1;
      v = ++resume;
    } else return false;
  }
  while (p < pn && pattern.charCodeAt(p) === 42) p++;
  return p === pn;
}
