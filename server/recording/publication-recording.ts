/*
 * One publication's files in a recording, following the host's forced mute as the viewers do: a
 * forced kind is disconnected from the file at once and reconnected when the mute is lifted. A
 * file holds the kinds that were allowed when it started; when a kind it does not hold is allowed
 * again (recording started while that kind was forced), the next part starts with everything
 * and the previous one ends: neither KMS nor the embedded server can add a track to a file.
 */
import type { PublicationInfo } from '../../lib/protocol';
import type { WebRtcEndpoint } from '../kurento/objects';
import type { RecordedKind, RecordingContainer } from '../kurento/recorder';
import type { Logger } from '../logger';
import type { ForcedMute } from '../rooms/publication';
import { containerFor } from './container';
import type { ManifestTrack } from './manifest';
import type { TrackFile } from './track-recorder';
import { TrackRecorder } from './track-recorder';

export interface PublicationRecordingOptions {
  info: PublicationInfo;
  displayName: string;
  endpoint: WebRtcEndpoint;
  forced: ForcedMute;
  logger: Logger;
  /** The recording's start (epoch ms) and clock. */
  startedAt: number;
  now(): number;
  /** A new part number of this publication in the recording (parts never share a name). */
  nextPart(): number;
  fileFor(part: number, container: RecordingContainer): TrackFile;
  /** A file started: list it in the manifest. */
  listed(entry: ManifestTrack): void;
  /** The manifest changed (a file ended, an error). */
  save(): Promise<void>;
}

interface Part {
  recorder: TrackRecorder;
  entry: ManifestTrack;
}

/** The kinds of `info` that may reach a file under `forced`. */
export function allowedKinds(info: PublicationInfo, forced: ForcedMute): Set<RecordedKind> {
  const kinds = new Set<RecordedKind>();
  if (info.audio && !forced.audio) kinds.add('AUDIO');
  if (info.video && !forced.video) kinds.add('VIDEO');
  return kinds;
}

export class PublicationRecording {
  readonly #options: PublicationRecordingOptions;
  readonly #logger: Logger;
  #forced: ForcedMute;
  #current: Part | undefined;
  #container: Promise<RecordingContainer> | undefined;
  /** Every change runs after the previous one, so racing mutes end as the last one says. */
  #queue: Promise<void> = Promise.resolve();
  #stopping = false;

  constructor(options: PublicationRecordingOptions) {
    this.#options = options;
    this.#logger = options.logger;
    this.#forced = { ...options.forced };
  }

  /** Starts the first file (none while everything the publication sends is forced). */
  start(): Promise<void> {
    return this.#run(() => this.#reconcile());
  }

  /** The forced mute changed: resolves once the file(s) follow it. */
  forcedChanged(forced: ForcedMute): Promise<void> {
    this.#forced = { ...forced };
    return this.#run(() => this.#reconcile());
  }

  /** Ends the current file (after whatever change is under way). Idempotent. */
  stop(): Promise<void> {
    this.#stopping = true;
    return this.#run(async () => {
      const part = this.#current;
      this.#current = undefined;
      if (part) await this.#close(part);
    });
  }

  #run(work: () => Promise<void>): Promise<void> {
    const step = this.#queue.then(work);
    this.#queue = step.catch((error: unknown) => {
      this.#logger.warn({ err: error }, 'track | could not follow the forced mute');
    });
    return this.#queue;
  }

  async #reconcile(): Promise<void> {
    if (this.#stopping) return;
    const allowed = allowedKinds(this.#options.info, this.#forced);
    const current = this.#current;
    // First what must stop reaching the file, before anything else is awaited.
    if (current) {
      try {
        await current.recorder.allow(allowed);
      } catch (error) {
        // What is forced must not be written: a file that cannot follow the mute ends here.
        this.#logger.warn({ err: error }, 'track | cannot follow the forced mute; file ended');
        this.#current = undefined;
        await this.#close(current);
        return;
      }
    }
    if (this.#stopping || allowed.size === 0 || current?.recorder.holds(allowed)) return;
    const next = await this.#open(allowed);
    if (!next) return;
    if (this.#stopping) {
      await this.#close(next);
      return;
    }
    this.#current = next;
    if (current) await this.#close(current);
  }

  async #open(kinds: Set<RecordedKind>): Promise<Part | undefined> {
    const options = this.#options;
    const part = options.nextPart();
    const startOffsetMs = options.now() - options.startedAt;
    const holder: { entry?: ManifestTrack } = {};
    try {
      const recorder = await TrackRecorder.start({
        endpoint: options.endpoint,
        kinds,
        container: await this.#pickContainer(),
        logger: this.#logger,
        fileFor: (container) => options.fileFor(part, container),
        onError: (description) => {
          this.#logger.warn({ description }, 'track | the media server reported an error');
          if (holder.entry) {
            holder.entry.error = description;
            void options.save();
          }
        },
      });
      const entry: ManifestTrack = {
        file: recorder.file.name,
        publicationId: options.info.id,
        participantId: options.info.participantId,
        displayName: options.displayName,
        source: options.info.source,
        container: recorder.container,
        startedAt: new Date(options.startedAt + startOffsetMs).toISOString(),
        startOffsetMs,
        stoppedAt: null,
        endOffsetMs: null,
      };
      holder.entry = entry;
      options.listed(entry);
      void options.save();
      this.#logger.info({ file: entry.file, kinds: [...kinds] }, 'track | recording');
      return { recorder, entry };
    } catch (error) {
      this.#logger.warn({ err: error }, 'track | could not start');
      return undefined;
    }
  }

  async #close(part: Part): Promise<void> {
    await part.recorder.stop();
    const now = this.#options.now();
    part.entry.stoppedAt = new Date(now).toISOString();
    part.entry.endOffsetMs = now - this.#options.startedAt;
    await this.#options.save();
  }

  /** From the codec the publication's endpoint negotiated (asked once). */
  #pickContainer(): Promise<RecordingContainer> {
    this.#container ??= this.#options.endpoint.getLocalSessionDescriptor().then(
      (sdp) => containerFor(sdp),
      (error: unknown) => {
        this.#logger.debug({ err: error }, 'track | no local SDP; trying WebM first');
        return 'webm' as const;
      },
    );
    return this.#container;
  }
}
