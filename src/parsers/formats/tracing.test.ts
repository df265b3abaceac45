// Rust tracing (kube-rs): the module's real lines (provenance beside each in the module), parsed whole —
// format, wrapper, level, time, logger, caller, message and fields, exactly. Near misses must not
// be taken.
import { describe, expect, it } from 'vitest';
import { detectLine } from '../index.js';
import { view } from '../../../test/helpers/parsed-view.js';
import { samples } from './tracing.js';

describe('Rust tracing (kube-rs)', () => {
  it('stackable operator: target as logger, k9s border kept in the message', () => {
    expect(view(samples[0]!)).toEqual({
      format: 'tracing',
      wrapper: 'timestamp',
      level: 'error',
      time: '2024-02-13T09:18:40.770Z',
      logger: 'stackable_operator::logging::controller',
      message: 'Failed to reconcile objec │',
      fields: {},
    });
  });

  it('sinker (kube-rs): the event\'s fields after the message, an unquoted Display value with spaces', () => {
    expect(view(samples[1]!)).toEqual({
      format: 'tracing',
      wrapper: 'timestamp',
      level: 'warning',
      time: '2025-02-21T11:41:10.533Z',
      logger: 'sinker::controller',
      message: 'reconcile failed',
      fields: {
        name: '06a8ee86-9e34-4ce7-ae6a-8a9745d3ddab-bvmqn-local-storage-clusterrolebinding-local-path-provisioner-bind',
        error: 'Kube Error: ApiError: the server could not find the requested resource: NotFound (ErrorResponse { status: "Failure", message: "the server could not find the requested resource", reason: "NotFound", code: 404 })',
      },
    });
  });

  it('spans with fields, the target, the message and fields; kube-runtime object.ref gives name and namespace', () => {
    expect(view('2024-01-01T00:00:00.123456Z  INFO reconciling object{object.ref=Document.v1.kube.rs/lorem.default object.reason=object updated}: controller::controller: reconciling document doc=lorem')).toEqual({
      format: 'tracing', wrapper: 'timestamp', level: 'info', time: '2024-01-01T00:00:00.123Z', logger: 'controller::controller',
      message: 'reconciling document',
      fields: { 'object.ref': 'Document.v1.kube.rs/lorem.default', 'object.reason': 'object updated', doc: 'lorem', name: 'lorem', namespace: 'default' },
    });
  });

  it('near misses: a level and a sentence, no target', () => {
    expect(detectLine('2024-01-01T00:00:00.123456Z  INFO all good here').format).not.toBe('tracing');
    expect(detectLine('ERROR something broke').format).toBe('unknown');
  });
});
