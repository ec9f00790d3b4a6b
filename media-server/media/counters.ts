import type { MediaKind } from './codecs';

/** Per-kind RTP counters, bumped on the packet path (plain numbers, no allocation). */
export class KindCounters {
  packetsIn = 0;
  bytesIn = 0;
  packetsOut = 0;
  bytesOut = 0;
  pliIn = 0;
  firIn = 0;
  nackIn = 0;
  pliOut = 0;
}

export class Counters {
  readonly audio = new KindCounters();
  readonly video = new KindCounters();

  of(kind: MediaKind): KindCounters {
    return kind === 'audio' ? this.audio : this.video;
  }
}
