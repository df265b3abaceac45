// The well-known keys table (keys.ts) is the one place structured formats learn which key holds
// the time, level, message, logger and caller: the lists the formats read are derived from it,
// and the allocation-free message scans of JSON and logfmt lines (which messageOf uses) pick the
// same message as the full parse for every message key in it.
import { describe, expect, it } from 'vitest';
import { messageOf, parseLine } from './index.js';
import { jsonMessage } from './json-scan.js';
import {
  CALLER_KEYS, K_CALLER, K_LEVEL, K_LOGGER, K_MESSAGE, K_OTHER, K_TIME, LEVEL_KEYS, LOGGER_KEYS, MESSAGE_KEYS, TIME_KEYS,
  WELL_KNOWN_KEYS, keyRole,
} from './keys.js';

const opts = { source: 'keys', referenceYear: 2026 };

describe('the well-known keys table', () => {
  it('is where every list of keys and every role comes from', () => {
    const byRole = (r: number) => Object.keys(WELL_KNOWN_KEYS).filter((k) => WELL_KNOWN_KEYS[k] === r);
    expect([TIME_KEYS, LEVEL_KEYS, MESSAGE_KEYS, LOGGER_KEYS, CALLER_KEYS]).toEqual([K_TIME, K_LEVEL, K_MESSAGE, K_LOGGER, K_CALLER].map(byRole));
    expect(MESSAGE_KEYS).toEqual(['msg', 'message', '@message']);
    for (const k of Object.keys(WELL_KNOWN_KEYS)) expect(keyRole(k)).toBe(WELL_KNOWN_KEYS[k]);
    for (const k of ['namespace', 'msgs', 'Message', '__proto__', 'toString']) expect(keyRole(k)).toBe(K_OTHER);
  });

  it("reads the Elastic Common Schema's dotted log.level and log.logger (ecs-logging for Java, Go, .NET)", () => {
    // elastic/ecs-logging-java:README.md@e0105eda508686599d52842e604203777d98b882 (its example).
    const raw = '{"@timestamp":"2019-08-06T14:08:40.199Z", "log.level":"DEBUG", "message":"init find form", "service.name":"spring-petclinic","process.thread.name":"http-nio-8080-exec-8","log.logger":"org.springframework.samples.petclinic.owner.OwnerController","transaction.id":"28b7fb8d5aba51f1","trace.id":"2869b25b5469590610fea49ac04af7da"}';
    const e = parseLine(raw, 1, opts);
    expect([e.format, e.level, new Date(e.time!).toISOString(), e.logger, e.message]).toEqual(['zap-json', 'debug', '2019-08-06T14:08:40.199Z', 'org.springframework.samples.petclinic.owner.OwnerController', 'init find form']);
    expect(e.fields).toEqual({ 'service.name': 'spring-petclinic', 'process.thread.name': 'http-nio-8080-exec-8', 'transaction.id': '28b7fb8d5aba51f1', 'trace.id': '2869b25b5469590610fea49ac04af7da' });
  });

  it('gives the JSON scan its message keys: hclog\'s @message is read without JSON.parse, as the parse reads it', () => {
    // ../shared/real-data/must-gather-metal.tar.xz, namespaces/openshift-monitoring/pods/grafana-546688f5c6-n7gdq/
    // grafana/grafana/logs/current.log (a Grafana plugin's hclog), without its kubelet stamp.
    const raw = '{"@level":"debug","@message":"datasource: registering query type handler","@timestamp":"2021-09-14T14:27:44.491871Z","queryType":"exponential_heatmap_bucket_data"}';
    expect(jsonMessage(raw, 0)).toBe('datasource: registering query type handler');
    expect(parseLine(raw, 1, opts).message).toBe('datasource: registering query type handler');
  });

  it('lets messageOf and parseLine agree on every message key, in JSON and logfmt, first key first', () => {
    for (const k of MESSAGE_KEYS) {
      for (const raw of [
        `{"level":"info","${k}":"synced","n":1}`,
        `{"level":"info","other":"x","${k}":"synced","msg2":"y"}`,
        `level=info ${k}="synced" n=1`,
        `level=info n=1 ${k}=synced ${k}=again`,
      ]) {
        const ev = parseLine(raw, 1, opts);
        expect([raw, ev.message]).toEqual([raw, raw.includes('again') ? 'again' : 'synced']);
        expect([raw, messageOf(raw)]).toEqual([raw, ev.message]);
      }
    }
    // Two message keys: the first in the record wins, whichever it is.
    for (const raw of ['level=info message=first msg=second', '{"level":"info","message":"first","msg":"second"}']) {
      expect([parseLine(raw, 1, opts).message, messageOf(raw)]).toEqual(['first', 'first']);
    }
  });
});
