import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { identities, WARM_UP_DUMPS } from './resource-identity.js';
import { parseDump, parseResources, slimObjects } from './resources.js';
import type { EventCondition } from '../core/event.js';
import { ANALYZERS } from '../analyzers/index.js';
import { eventFacts } from '../analyzers/event-facts.js';

const NONE = new Set<string>();

/** What the js-yaml path gives for the same text and `whole` (the reference identities() must match). */
function reference(text: string, whole: ReadonlySet<string>) {
  const { objects, problems, kind } = slimObjects(parseResources(text, 'dump.yaml'), whole);
  return { objects, problems, kind };
}

/** identities() as [kind, name, namespace, line] rows, or undefined when it leaves the dump to js-yaml. */
function rows(text: string, whole: ReadonlySet<string> = NONE) {
  const r = identities(text, whole);
  return r?.objects.map((o) => [o.object.kind, o.object.metadata?.name, o.object.metadata?.namespace, o.line]);
}

const EVENTS = `---
apiVersion: v1
items:
- apiVersion: v1
  count: 1
  involvedObject:
    apiVersion: v1
    kind: Endpoints
    name: apiserver
    namespace: openshift-kube-apiserver
  kind: Event
  message: 'Failed to update endpoint openshift-kube-apiserver/apiserver: Operation
    cannot be fulfilled on endpoints "apiserver": the object has been modified; please
    apply your changes to the latest version and try again'
  metadata:
    creationTimestamp: "2021-08-03T09:36:24Z"
    name: apiserver.1697c24355762ea3
    namespace: openshift-kube-apiserver
  reason: FailedToUpdateEndpoint
  reportingComponent: ""
  type: Warning
- apiVersion: v1
  kind: Event
  message: ip-10-0-195-177_746ff971 became leader
  metadata:
    annotations:
      note: |
        name: not-this-one
      other: "a multi-line
    name: nor-this-one"
    name: cert-regeneration-controller-lock.1697c178008fda83
    namespace: openshift-kube-apiserver
    ownerReferences:
    - apiVersion: v1
      kind: ConfigMap
      name: owner
  type: Normal
kind: EventList
metadata:
  resourceVersion: ""
`;

describe('identities: the dumps it reads', () => {
  it('reads a kubectl List (yaml.v2 layout) item by item, past multi-line quoted and block scalars that hold key-like text', () => {
    expect(rows(EVENTS)).toEqual([
      ['Event', 'apiserver.1697c24355762ea3', 'openshift-kube-apiserver', 4],
      ['Event', 'cert-regeneration-controller-lock.1697c178008fda83', 'openshift-kube-apiserver', 22],
    ]);
    expect(identities(EVENTS, NONE)).toEqual(reference(EVENTS, NONE));
  });

  it('reads Lists whose items are indented under `items:`, and a lone object', () => {
    const indented = 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n      namespace: shop\n    spec:\n      replicas: 3\n  - kind: ConfigMap\n    metadata: {}\n';
    expect(rows(indented)).toEqual([
      ['Deployment', 'web', 'shop', 4],
      ['ConfigMap', undefined, undefined, 11],
    ]);
    expect(identities(indented, NONE)).toEqual(reference(indented, NONE));
    const lone = "apiVersion: v1\nkind: Namespace\nmetadata:\n  labels:\n    a: b\n  name: 'openshift-etcd'\nspec:\n  finalizers:\n  - kubernetes\n";
    expect(rows(lone)).toEqual([['Namespace', 'openshift-etcd', undefined, 1]]);
    expect(identities(lone, NONE)).toEqual(reference(lone, NONE));
  });

  it('reads the line workers\' warm-up dumps, as js-yaml does', () => {
    expect(WARM_UP_DUMPS.map((t) => rows(t))).toEqual([
      [
        ['Event', 'apiserver.1697c24355762ea3', 'openshift-kube-apiserver', 4],
        ['Pod', undefined, undefined, 45],
      ],
      [['Namespace', 'openshift-etcd', 'x', 1]],
    ]);
    for (const t of WARM_UP_DUMPS) expect(identities(t, NONE)).toEqual(reference(t, NONE));
  });

  it('gives the same as js-yaml for an empty List', () => {
    const text = 'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n';
    expect(identities(text, NONE)).toEqual({ objects: [], problems: [], kind: 'manifests' });
    expect(identities(text, NONE)).toEqual(reference(text, NONE));
  });
});

describe('identities: Events only some of which a rule reads (Analyzer.objectWhen)', () => {
  /** The conditions the rules declare: a Warning 5+ times over 10+ minutes (queue-leak), a Normal 100+ times over 10+ minutes (reconcile-burst). */
  const WHEN: EventCondition[] = ANALYZERS.flatMap((d) => d.create({ options: {} }).objectWhen?.() ?? []);
  /** An Event item shaped like must-gather-aws's (kubectl's key order), with its own count and times. */
  const event = (type: string, more: string) => `- apiVersion: v1
${more}  involvedObject:
    kind: Pod
    name: kube-apiserver-ip-10-0-195-177.ec2.internal
    namespace: openshift-kube-apiserver
  kind: Event
  message: 'Readiness probe error: HTTP probe failed with statuscode: 500'
  metadata:
    name: kube-apiserver-ip-10-0-195-177.ec2.internal.16984d6ee4d85e5b
    namespace: openshift-kube-apiserver
  reason: ProbeError
  source:
    component: kubelet
  type: ${type}
`;
  const list = (...items: string[]) => `apiVersion: v1\nitems:\n${items.join('')}kind: EventList\nmetadata:\n  resourceVersion: ""\n`;
  const times = (first: string, last: string) => `  firstTimestamp: "${first}"\n  lastTimestamp: "${last}"\n`;
  /** parseDump as the engine calls it with the rules' conditions: are the dump's Events whole? */
  const whole = (text: string) => parseDump(text, 'events.yaml', undefined, ['event'], WHEN).parsed.objects.map((o) => o.object.reason !== undefined);

  it('takes its conditions from the rules', () => {
    expect(WHEN).toEqual([
      { kind: 'event', type: 'Warning', minCount: 5, minSpanS: 600 },
      { kind: 'event', type: 'Normal', minCount: 100, minSpanS: 600 },
    ]);
  });

  const rare: [string, string][] = [
    ['Events of kubectl\'s List, count 1 or none', EVENTS],
    ['a Warning 14 times over 129 s (a span below 10 minutes)', list(event('Warning', `  count: 14\n${times('2021-08-03T09:24:44Z', '2021-08-03T09:26:53Z')}`))],
    ['a Normal 44 times over 9 hours (a count below 100)', list(event('Normal', `  count: 44\n${times('2021-08-03T00:00:00Z', '2021-08-03T09:00:00Z')}`))],
    ['an Event of another type 44 times over 9 hours', list(event('Info', `  count: 44\n${times('2021-08-03T00:00:00Z', '2021-08-03T09:00:00Z')}`))],
    ['an Event without a type, 44 times', list(event('Warning', '  count: 44\n').replace('  type: Warning\n', ''))],
    ['a Warning whose `series:` counts 1 (the scheduler\'s FailedScheduling in must-gather-metal)', list(event('Warning', '  eventTime: "2021-09-14T14:14:59.671767Z"\n  firstTimestamp: null\n  lastTimestamp: null\n  series:\n    count: 1\n    lastObservedTime: "2021-09-14T14:15:59.673421Z"\n'))],
  ];
  it.each(rare)('reads %s without js-yaml, cut to identities as slimObjects(parseResources()) cuts them', (_what, text) => {
    expect(identities(text, NONE, WHEN)).toEqual(reference(text, NONE));
    expect(parseDump(text, 'events.yaml', undefined, ['event'], WHEN).parsed).toEqual(identities(text, NONE));
    expect(whole(text).every((w) => !w)).toBe(true);
  });

  const studied: [string, string][] = [
    ['a Warning 44 times (no times: the span is not known)', list(event('Warning', '  count: 44\n'))],
    ['a Warning 44 times over an hour', list(event('Warning', '  count: 1\n'), event('Warning', `  count: 44\n${times('2021-08-03T08:00:00Z', '2021-08-03T09:00:00Z')}`))],
    ['a Normal 25 555 times over 41 hours', list(event('Normal', `  count: 25555\n${times('2021-08-01T16:00:00Z', '2021-08-03T09:00:00Z')}`))],
    ['a Warning whose `series:` counts 44 (events.k8s.io\'s way: the span is not read)', list(event('Warning', '  series:\n    count: 44\n    lastObservedTime: "2021-08-03T09:26:53.000000Z"\n'))],
    ['a `series:` without a count', list(event('Warning', '  series:\n    lastObservedTime: "2021-08-03T09:26:53.000000Z"\n'))],
    ['a `deprecatedCount:`', list(event('Warning', '  deprecatedCount: 44\n'))],
    ['a count that is not a plain integer', list(event('Warning', '  count: "44"\n'))],
    ['a type followed by a comment', list(event('Warning', '  count: 44\n').replace('type: Warning', 'type: Warning # a comment'))],
    ['a time that is not a plain string', list(event('Warning', `  count: 44\n${times('2021-08-03T08:00:00Z', '2021-08-03T09:00:00Z')}`).replace('"2021-08-03T08:00:00Z"', 'null'))],
    ['two counts (the last one counts)', list(event('Warning', '  count: 1\n  count: 44\n'))],
  ];
  it.each(studied)('leaves a dump holding %s to js-yaml, which reads its Events whole', (_what, text) => {
    expect(identities(text, NONE)).toBeDefined(); // in the shape it reads, without conditions
    expect(identities(text, NONE, WHEN)).toBeUndefined();
    expect(whole(text).length).toBeGreaterThan(0);
    expect(whole(text).every((w) => w)).toBe(true);
  });
});

describe('identities: the dumps it leaves to js-yaml', () => {
  const cases: [string, string][] = [
    ['an object of a kind read whole', 'apiVersion: kubernaut.ai/v1alpha1\nkind: RemediationRequest\nmetadata:\n  name: rr-1\n'],
    ['several documents', 'kind: A\nmetadata:\n  name: a\n---\nkind: B\nmetadata:\n  name: b\n'],
    ['an alias', 'kind: A\nmetadata: &m\n  name: a\n'],
    ['a name the core schema reads as a number', 'kind: A\nmetadata:\n  name: 1234\n'],
    ['a name the core schema reads as a boolean', 'kind: A\nmetadata:\n  name: true\n'],
    ['a name continued on the next line', 'kind: A\nmetadata:\n  name: a\n    b\n'],
    ['a name with an escape', 'kind: A\nmetadata:\n  name: "a\\u0062"\n'],
    ['a quoted identity key', 'kind: A\nmetadata:\n  "name": a\n'],
    ['a tab', 'kind: A\nmetadata:\n\tname: a\n'],
    ['CR line ends', 'kind: A\r\nmetadata:\r\n  name: a\r\n'],
    ['a byte order mark', '\uFEFFkind: A\nmetadata:\n  name: a\n'],
    ['JSON', '{"kind": "A", "metadata": {"name": "a"}}'],
    ['a kubectl table', 'NAME   AGE\na      5m\n'],
    ['an item that is not a mapping', 'kind: List\nitems:\n- a\n'],
    ['metadata that is null', 'kind: A\nmetadata:\nspec: {}\n'],
    ['a flow mapping', 'kind: A\nmetadata: {name: a}\n'],
    ['an object with neither kind nor metadata', 'spec:\n  a: b\n'],
    ['a List inside a List', 'kind: List\nitems:\n- kind: List\n  items: []\n'],
    ['a line less indented than its block scalar but past the key (bad indentation)', 'kind: A\nmetadata:\n  name: a\n  note: |\n      x\n     y: 1\n'],
    ['a line deeper than its mapping (bad indentation)', 'kind: A\nmetadata:\n  name: a\n   namespace: b\n'],
    ['a plain value holding ": " (bad indentation to js-yaml)', 'kind: A\nmetadata:\n  name: a\nmessage: Failed: foo\n'],
    ['a comment after a dash', 'kind: A\nmetadata:\n  name: a\nlist:\n- # note: x\n- b\n'],
    ['an escape js-yaml does not know, in any double-quoted scalar', 'kind: A\nmetadata:\n  name: a\nstatus: "\\False"\n'],
    ['a value starting with a flow indicator', 'kind: A\nmetadata:\n  name: a\nspec: ]x\n'],
    ['a document marker inside a quoted scalar', "kind: A\nmetadata:\n  name: a\nmessage: 'one\n---\n  two'\n"],
    ['two `items:` keys (the second replaces the first)', 'kind: List\nitems:\n- kind: A\n  metadata: {}\nitems:\n- kind: B\n  metadata: {}\n'],
  ];
  it.each(cases)('%s', (_what, text) => {
    expect(identities(text, new Set(['remediationrequest']))).toBeUndefined();
  });
});

/** A seeded PRNG (mulberry32): the generated dumps are the same on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Go's YAML writer (kubectl, must-gather) folds long quoted scalars over several lines, indented
 * past their key; js-yaml's writer never does. This folds some quoted values of `text` that way.
 */
function foldQuoted(text: string, rand: () => number): string {
  return text
    .split('\n')
    .map((line) => {
      const m = /^( *)(- )?([^ :'"][^:]*): (['"])(.*)\4$/.exec(line);
      if (!m || rand() < 0.3) return line;
      const body = m[5]!;
      const spaces = [...body.matchAll(/ (?! )/g)].map((x) => x.index!).filter((i) => i > 0 && body[i - 1] !== ' ' && body[i - 1] !== '\\');
      if (!spaces.length) return line;
      const at = spaces[Math.floor(rand() * spaces.length)]!;
      const keyCol = m[1]!.length + (m[2] ? 2 : 0);
      const pad = ' '.repeat(Math.floor(rand() * (keyCol + 5)));
      return `${m[1]}${m[2] ?? ''}${m[3]}: ${m[4]}${body.slice(0, at)}\n${pad}${body.slice(at + 1)}${m[4]}`;
    })
    .join('\n');
}

describe('identities: property against js-yaml', () => {
  it('matches slimObjects(parseResources()) on 600 generated dumps in every layout js-yaml writes, whenever it reads one', () => {
    const rand = rng(20261122);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const pieces = ['a', 'name: x', 'namespace: y', ' ', ':', ': ', '#', ' #', "'", '"', '\n', '\n  name: z', '- ', '|', '>', '{', '[', '&a', '*a', '!t', 'web-1', '2026', 'true', 'null', '  ', '\\'];
    const str = () => Array.from({ length: 1 + Math.floor(rand() * 6) }, () => pick(pieces)).join('');
    const identity = () => pick(['web-1', 'etcd.16a7', 'a', 'x-y.z', 'Null', '007', 'kube-system', 'with space', str()]);
    const object = () => {
      const md: Record<string, unknown> = {};
      if (rand() < 0.9) md.name = identity();
      if (rand() < 0.7) md.namespace = identity();
      if (rand() < 0.5) md.annotations = { [pick(['note', 'a/b', 'name'])]: str(), other: str() };
      if (rand() < 0.3) md.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: str() }];
      const o: Record<string, unknown> = {};
      if (rand() < 0.9) o.apiVersion = pick(['v1', 'apps/v1', 'kubernaut.ai/v1alpha1']);
      if (rand() < 0.95) o.kind = pick(['Event', 'Pod', 'ConfigMap', 'Deployment']);
      if (rand() < 0.5) o.message = str();
      if (rand() < 0.95) o.metadata = md;
      if (rand() < 0.5) o.spec = { list: [str(), str()], nested: { name: str(), deep: [{ name: str() }] } };
      return o;
    };
    let read = 0;
    for (let i = 0; i < 600; i++) {
      const items = Array.from({ length: Math.floor(rand() * 4) }, object);
      const doc = rand() < 0.8 ? { apiVersion: 'v1', items, kind: pick(['List', 'EventList']), metadata: { resourceVersion: '' } } : object();
      const text = (rand() < 0.3 ? '---\n' : '') + dump(doc, {
        lineWidth: pick([20, 40, 80, -1]),
        noArrayIndent: rand() < 0.5,
        quotingType: pick(["'", '"'] as const),
        forceQuotes: rand() < 0.2,
        flowLevel: rand() < 0.1 ? 3 : -1,
      });
      const whole = rand() < 0.2 ? new Set(['pod']) : NONE;
      const got = identities(text, whole);
      const goText = rand() < 0.5 ? foldQuoted(text, rand) : text;
      const gotGo = identities(goText, whole);
      if (gotGo !== undefined) expect(gotGo, goText).toEqual(reference(goText, whole));
      if (got === undefined) continue;
      read++;
      expect(got, text).toEqual(reference(text, whole));
    }
    // Most generated dumps are in the shape it reads; the rest went to js-yaml.
    expect(read).toBeGreaterThan(200);
  });

  it('with the rules\' Event conditions, on 800 generated Event Lists: whenever it reads one, no Event of it meets a condition as the rules read it', () => {
    const WHEN: EventCondition[] = ANALYZERS.flatMap((d) => d.create({ options: {} }).objectWhen?.() ?? []);
    const rand = rng(20261206);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const time = () => new Date(Date.UTC(2021, 8, 14) + Math.floor(rand() * 20_000) * 1000).toISOString().replace('.000Z', pick(['Z', '.123456Z']));
    const event = () => {
      const o: Record<string, unknown> = { apiVersion: 'v1', kind: pick(['Event', 'Event', 'Event', 'Pod']) };
      if (rand() < 0.8) o.count = pick([1, 1, 2, 3, 4, 5, 14, 99, 100, 101, 25555, '44', null, 1.5, -3]);
      if (rand() < 0.2) o.deprecatedCount = 7;
      o.eventTime = rand() < 0.3 ? time() : null;
      if (rand() < 0.8) o.firstTimestamp = pick([time(), time(), null, '', 'soon']);
      o.involvedObject = { kind: 'Pod', name: 'web-1', namespace: 'ns' };
      if (rand() < 0.8) o.lastTimestamp = pick([time(), time(), null]);
      o.message = pick(['Back-off restarting failed container', 'x: y', '0/3 nodes are available']);
      o.metadata = { name: 'web-1.16a4b5d565defd73', namespace: 'ns' };
      o.reason = pick(['BackOff', 'FailedScheduling', 'Sync']);
      if (rand() < 0.2) o.series = rand() < 0.8 ? { count: pick([1, 3, 44, 200, '7']), lastObservedTime: time() } : pick([null, {}]);
      o.source = { component: pick(['kubelet', 'default-scheduler', 'my-operator']) };
      if (rand() < 0.95) o.type = pick(['Warning', 'Normal', 'Normal', 'Info', 'warning']);
      return o;
    };
    let read = 0;
    let left = 0;
    for (let i = 0; i < 800; i++) {
      const doc = { apiVersion: 'v1', items: Array.from({ length: 1 + Math.floor(rand() * 3) }, event), kind: 'EventList', metadata: { resourceVersion: '' } };
      const text = dump(doc, { lineWidth: pick([40, 80, -1]), noArrayIndent: rand() < 0.5, quotingType: pick(["'", '"'] as const), forceQuotes: rand() < 0.2 });
      const got = identities(text, NONE, WHEN);
      if (got === undefined) {
        left++;
        continue;
      }
      read++;
      expect(got, text).toEqual(reference(text, NONE));
      for (const o of parseResources(text, 'events.yaml').objects) {
        const f = eventFacts(o.object, 'events.yaml', o.line);
        const meets = f !== undefined && WHEN.some((c) => f.type === c.type && f.count >= c.minCount && f.spanS !== undefined && f.spanS >= c.minSpanS);
        expect(meets, text).toBe(false);
      }
    }
    expect(read).toBeGreaterThan(200);
    expect(left).toBeGreaterThan(200);
  });

  it('matches js-yaml on 2 000 damaged copies of a kubectl dump: what js-yaml rejects, it leaves to js-yaml', () => {
    // Lines dropped, repeated or inserted (markers, comments, keys, entries), indented or dedented
    // by one; a character, `: `, an anchor, alias, tag, flow indicator or backslash inserted; a
    // character deleted:
    // most results are invalid YAML, which js-yaml reports as a problem. Reading identities
    // from those would hide the problem, so identities() must return undefined for them.
    const rand = rng(7);
    const base = EVENTS.split('\n');
    let read = 0;
    let broken = 0;
    for (let i = 0; i < 2000; i++) {
      const lines = base.slice();
      for (let j = 0; j < 1 + Math.floor(rand() * 3); j++) {
        const at = Math.floor(rand() * lines.length);
        const l = lines[at]!;
        const c = Math.floor(rand() * l.length);
        const op = Math.floor(rand() * 9);
        if (op === 0) lines.splice(at, 1);
        else if (op === 1) lines.splice(at, 0, lines[Math.floor(rand() * lines.length)]!);
        else if (op === 2) lines[at] = ` ${l}`;
        else if (op === 3) lines[at] = l.replace(/^ /, '');
        else if (op === 4) lines[at] = l.slice(0, c) + "'\":-#|"[Math.floor(rand() * 7)] + l.slice(c);
        else if (op === 5) lines[at] = l.slice(0, c) + l.slice(c + 1);
        else if (op === 6) lines[at] = `${l.slice(0, c)}: ${l.slice(c)}`;
        else if (op === 7) lines.splice(at, 0, ['---', '...', '# c', '', '- x', 'a: b', '  - y'][Math.floor(rand() * 7)]!);
        else lines[at] = l.slice(0, c) + [' #', '&a ', '*a', '!t ', '{', ']', '\\'][Math.floor(rand() * 7)] + l.slice(c);
      }
      const text = lines.join('\n');
      const ref = reference(text, NONE);
      if (ref.problems.length) broken++;
      const got = identities(text, NONE);
      if (got === undefined) continue;
      read++;
      expect(got, text).toEqual(ref);
    }
    expect(read).toBeGreaterThan(300);
    expect(broken).toBeGreaterThan(300);
  });

  it('matches js-yaml on every YAML file in this repository', () => {
    const repo = join(import.meta.dirname, '../..');
    const files = execFileSync('git', ['ls-files', '*.yaml', '*.yml'], { cwd: repo, encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = readFileSync(join(repo, f), 'utf8');
      const got = identities(text, NONE);
      if (got !== undefined) expect(got, f).toEqual(reference(text, NONE));
    }
  });
});
