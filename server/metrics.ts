import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

import type { ErrorCode } from '../lib/protocol';
import type { MediaObserver } from './kurento/session';

/** What the gauges read when Prometheus scrapes. */
export interface MetricsSources {
  rooms(): number;
  participants(): number;
  mediaObjects(): number;
}

export interface Metrics {
  readonly registry: Registry;
  readonly media: MediaObserver;
  joinSeconds(seconds: number): void;
  error(code: ErrorCode): void;
}

/** One registry per app, so several apps (tests) in one process do not collide. */
export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'moim_' });
  new Gauge({
    name: 'moim_rooms',
    help: 'Open rooms',
    registers: [registry],
    collect() {
      this.set(sources.rooms());
    },
  });
  new Gauge({
    name: 'moim_participants',
    help: 'Participants in open rooms',
    registers: [registry],
    collect() {
      this.set(sources.participants());
    },
  });
  new Gauge({
    name: 'moim_media_objects',
    help: 'Media objects (pipelines and endpoints) held on the media server',
    registers: [registry],
    collect() {
      this.set(sources.mediaObjects());
    },
  });
  const joinDuration = new Histogram({
    name: 'moim_join_duration_seconds',
    help: 'Time from room:join to its answer (pipeline and outgoing endpoint created)',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const rpcDuration = new Histogram({
    name: 'moim_media_rpc_duration_seconds',
    help: 'Media-server call latency by operation and outcome',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'moim_errors_total',
    help: 'Errors sent to clients, by code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  return {
    registry,
    media: {
      rpc(operation, seconds, ok) {
        rpcDuration.observe({ operation, outcome: ok ? 'ok' : 'error' }, seconds);
      },
    },
    joinSeconds(seconds) {
      joinDuration.observe(seconds);
    },
    error(code) {
      errors.inc({ code });
    },
  };
}
