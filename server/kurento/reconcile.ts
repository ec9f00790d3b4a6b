/*
 * The app and the media server must agree on which pipelines exist (DESIGN.md: "no leak").
 * Faults break that agreement in two ways, both measured in issue 14: a `create` that timed out
 * (the server was paused) completes later, leaving a pipeline nobody will release; and a
 * pipeline the app still uses can be released under it (another client, the server's own GC).
 * A reconciliation lists the server's pipelines and settles both: unknown ones are released,
 * vanished ones are reported so their room closes.
 */
import type { RawMediaObject, RawServerManager } from 'kurento-client';

import type { Logger } from '../logger';
import { KurentoError } from './errors';
import type { KurentoSession } from './session';

function expectRaw<T extends RawMediaObject>(operation: string) {
  return (result: unknown): { object: T } => {
    if (typeof result !== 'object' || result === null || !('id' in result)) {
      throw new KurentoError('bad-result', operation, 'the media server returned no object');
    }
    return { object: result as T };
  };
}

/** Ids of every pipeline the media server holds (all sessions, not only this one). */
export async function listPipelines(session: KurentoSession): Promise<string[]> {
  const { object: manager } = await session.call(
    'getServerManager',
    (cb) => session.raw.getServerManager(cb),
    expectRaw<RawServerManager>('getServerManager'),
  );
  return session.call(
    'getPipelines',
    (cb) => manager.getPipelines(cb),
    (result) => {
      if (!Array.isArray(result)) {
        throw new KurentoError('bad-result', 'getPipelines', 'expected an array');
      }
      return result.map((item: unknown) => {
        if (typeof item === 'object' && item !== null && 'id' in item) {
          if (typeof item.id === 'string') return item.id;
        }
        throw new KurentoError('bad-result', 'getPipelines', 'a pipeline without id');
      });
    },
  );
}

/** Releases a pipeline by id through `session` (40101 if it is already gone: fine). */
export async function releaseById(session: KurentoSession, id: string): Promise<void> {
  const { object } = await session.call(
    'getMediaobjectById',
    (cb) => session.raw.getMediaobjectById(id, cb),
    expectRaw<RawMediaObject>('getMediaobjectById'),
  );
  await session.call(
    'release',
    (cb) => object.release(cb),
    () => null,
  );
}

export interface ReconcileResult {
  /** Pipelines the app did not know of, released now. */
  released: string[];
  /** Pipelines the app holds that the server no longer has. */
  gone: string[];
}

/**
 * One reconciliation at a time per connection. A pipeline whose `create` is still in flight is
 * on the server but not yet known to the app: while any create runs (or ran during the listing),
 * unknown pipelines are left for the next round rather than released under a joining room.
 */
export class PipelineReconciler {
  #creating = 0;
  #createEpoch = 0;
  #running: Promise<ReconcileResult> | undefined;

  constructor(
    private readonly logger: Logger,
    /**
     * Several app instances may share one media server (server/cluster): a pipeline unknown to
     * this connection may be another instance's, which this says; those are left alone.
     */
    private readonly othersHold: (pipelineId: string) => boolean = () => false,
  ) {}

  /** Wraps a pipeline `create` so reconciliation can tell its pipeline from an orphan. */
  async creating<T>(work: () => Promise<T>): Promise<T> {
    this.#creating += 1;
    this.#createEpoch += 1;
    try {
      return await work();
    } finally {
      this.#creating -= 1;
    }
  }

  run(session: KurentoSession): Promise<ReconcileResult> {
    this.#running ??= this.#run(session).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #run(session: KurentoSession): Promise<ReconcileResult> {
    const epoch = this.#createEpoch;
    const quiet = this.#creating === 0;
    const known = session.livePipelines();
    const listed = new Set(await listPipelines(session));
    const result: ReconcileResult = { released: [], gone: [] };
    for (const member of known) {
      // Released by us meanwhile: markGone() already took it out of the session.
      if (listed.has(member.id) || !session.livePipelines().includes(member)) continue;
      member.markGone();
      result.gone.push(member.id);
      this.logger.warn({ pipelineId: member.id }, 'reconcile() | pipeline released under us');
    }
    if (!quiet || epoch !== this.#createEpoch) return result;
    const mine = new Set(session.livePipelines().map((member) => member.id));
    for (const id of listed) {
      if (mine.has(id) || this.othersHold(id)) continue;
      try {
        await releaseById(session, id);
        result.released.push(id);
        this.logger.warn(
          { pipelineId: id },
          'reconcile() | released a pipeline the app did not know',
        );
      } catch (error) {
        if (error instanceof KurentoError && error.code === 40101) continue;
        this.logger.warn(
          { err: error, pipelineId: id },
          'reconcile() | release failed, retrying later',
        );
      }
    }
    return result;
  }
}
