import { describe, expect, it } from 'vitest';
import { detectLine, parseLine } from './index.js';

const opts = { source: 'wva.log', referenceYear: 2026 };

describe('zap console', () => {
  it('kubelet prefix + ts, level, logger, caller, msg, JSON fields; the prefix refines a whole-second ts', () => {
    const raw = '2026-08-07T20:20:19.306337951Z 2026-08-07T20:20:19Z\tINFO\tsetup\tcmd/main.go:345\tWatching single namespace\t{"namespace": "dhl-wva-209"}';
    expect(parseLine(raw, 7, opts)).toEqual({
      kind: 'log',
      time: Date.UTC(2026, 7, 7, 20, 20, 19, 306),
      level: 'info',
      logger: 'setup',
      caller: 'cmd/main.go:345',
      message: 'Watching single namespace',
      fields: { namespace: 'dhl-wva-209' },
      format: 'zap-console',
      wrapper: 'timestamp',
      source: 'wva.log',
      line: 7,
      raw,
    });
  });

  it('no logger column', () => {
    const ev = parseLine('2026-08-07T20:20:19.282673719Z 2026-08-07T20:20:19Z\tINFO\tconfig/loader.go:131\tLoaded config from file\t{"path": "/etc/wva/config.yaml"}', 1, opts);
    expect([ev.logger, ev.caller, ev.message, ev.fields]).toEqual([undefined, 'config/loader.go:131', 'Loaded config from file', { path: '/etc/wva/config.yaml' }]);
    const bare = parseLine('2026-08-07T20:20:19Z\tINFO\tconfig/loader.go:87\tConfiguration loaded successfully', 1, opts);
    expect([bare.caller, bare.message, bare.fields, bare.time]).toEqual(['config/loader.go:87', 'Configuration loaded successfully', {}, Date.UTC(2026, 7, 7, 20, 20, 19)]);
  });

  it('millisecond ts wins over the prefix; numbers in the JSON tail stay numbers', () => {
    const ev = parseLine(
      '2021-08-03T09:24:50.267796932Z 2021-08-03T09:24:50.267Z\tINFO\toperator.init.controller-runtime.manager.controller.certificate_controller\tcontroller/controller.go:221\tStarting workers\t{"worker count": 1}',
      1, opts,
    );
    expect([ev.time, ev.logger, ev.fields]).toEqual([Date.UTC(2021, 7, 3, 9, 24, 50, 267), 'operator.init.controller-runtime.manager.controller.certificate_controller', { 'worker count': 1 }]);
  });

  it('levels incl. controller-runtime LEVEL(-2); logger without caller; epoch ts', () => {
    expect(detectLine('2026-08-07T20:20:19Z\tLEVEL(-2)\tcontroller-runtime.cache\tcache/reflector.go:439\tCaches populated').level).toBe('debug');
    expect(detectLine('2026-08-07T20:20:19Z\tDPANIC\tx\ty.go:1\tz').level).toBe('error');
    const ev = parseLine('1.6e9\twarn\tmylogger\tsomething odd\t{"n": 2}', 1, opts);
    expect([ev.format, ev.time, ev.level, ev.logger, ev.caller, ev.message, ev.fields]).toEqual([
      'zap-console', 1.6e12, 'warning', 'mylogger', undefined, 'something odd', { n: 2 },
    ]);
    const m = parseLine('2026-08-07T20:20:19Z\tINFO\tjust a message\t{"k": "v"}', 1, opts);
    expect([m.logger, m.message, m.fields]).toEqual([undefined, 'just a message', { k: 'v' }]);
  });
});
