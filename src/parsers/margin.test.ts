// Lines pasted with a margin: as an indented block (a markdown code block, a terminal's margin) or
// quoted (`> ` of a reply in an issue or a mail). Each real line (from the real-world corpus, whose
// case.json gives its provenance) parses with a margin exactly as it does without one, its
// wrappers included; continuation lines and prose keep their roles.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectLine, parseLine } from './index.js';

const corpus = (path: string) => readFileSync(new URL(`../../test/real-world/${path}`, import.meta.url), 'utf8').split('\n');
/** kubectl logs of a Docker-run proxy: RFC 3339 prefix, then Go slog text. */
const acexy = corpus('stale-pending/acexy-pending-streams-still-tracked/degradation.log')[250]!;
/** stern-style pod name, then zap JSON. */
const helm = corpus('reconcile-burst/helm-operator-reconciled-release-loop/demoservice-operator.log')[0]!;
/** controller-runtime zap console (tabs expanded) with its stack trace after it. */
const cr = corpus('queue-leak/controller-runtime-401-bad-credentials/operator.log');

/** parseLine without the parts the margin changes (raw). */
function parsed(line: string) {
  const { raw: _raw, ...rest } = parseLine(line, 7, { source: 's.log', referenceYear: 2026 });
  return rest;
}

describe('lines pasted with a margin', () => {
  const margins = ['    ', '\t', '> ', '>', '> > ', '>     '];

  it('reads the wrappers and the format behind an indent or a quote', () => {
    expect(acexy.startsWith('2025-11-02T')).toBe(true);
    for (const line of [acexy, helm, cr[0]!]) {
      const bare = parsed(line);
      expect(bare.format).not.toBe('unknown');
      for (const m of margins) expect(parsed(m + line), JSON.stringify(m)).toEqual(bare);
    }
    expect(parsed(`    ${acexy}`)).toMatchObject({ wrapper: 'timestamp', format: 'slog-text', level: 'warning', message: 'Pending streams still tracked' });
    expect(parsed(`> ${helm}`)).toMatchObject({ wrapper: 'pod-prefix', format: 'zap-json', origin: 'demoservice-operator-64fdc569db-dwmtp', message: 'Reconciled release' });
  });

  it('keeps continuation lines continuations, quoted or not', () => {
    const trace = cr[2]!;
    expect(trace.startsWith('        /home/')).toBe(true);
    expect(detectLine(trace).format).toBe('continuation');
    expect(detectLine(`> ${trace}`).format).toBe('continuation');
    expect(detectLine(`\t${trace}`).format).toBe('continuation');
  });

  it('leaves quoted prose, and a bare quote mark, unknown', () => {
    expect(detectLine('> I see the same lines again on every reconcile').format).toBe('unknown');
    expect(detectLine('>').format).toBe('unknown');
    expect(detectLine('> ').format).toBe('unknown');
  });
});
