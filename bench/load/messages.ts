/** IPC between the forwarding orchestrator and its load-generator processes (advanced serialization). */
import type { MeterReport } from './meter';
import type { SfuKind } from './signaling';

export type ToWorker =
  | {
      type: 'init';
      url: string;
      roomId: string;
      maxLifetimeMs: number;
      sampleEvery: number;
      /** whose signaling the participants speak (default moim) */
      sfu?: SfuKind;
      /** real VP8 to send instead of probed synthetic frames (clipSource.ts) */
      clip?: { units: Uint8Array[]; key: boolean }[];
      /** false: the participants publish and watch nobody (default true) */
      subscribe?: boolean;
    }
  | { type: 'add'; index: number }
  | { type: 'status' }
  | { type: 'window'; startNs: bigint; endNs: bigint }
  | { type: 'report' }
  | { type: 'stop' };

export interface WorkerStatus {
  participants: number;
  /** subscriber>publisher pairs whose video arrived at least once */
  flowing: number;
  subscriptions: number;
  /** "subscriber>publisher" pairs (by participant index) whose video has arrived */
  flowingPairs: string[];
  errors: string[];
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'added'; index: number; ok: boolean; error?: string; ms: number }
  | ({ type: 'status' } & WorkerStatus)
  | { type: 'report'; meter: MeterReport; skipped: number; errors: string[] }
  | { type: 'stopped' };
