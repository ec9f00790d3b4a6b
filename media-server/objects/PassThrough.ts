import type { RtpPacket } from 'werift';
import type { MediaKind } from '../media/codecs';
import { MEDIA_ELEMENT_EVENTS } from './MediaElement';
import type { MediaObject, ObjectHost } from './MediaObject';
import { RelayElement } from './RelayElement';

/** KMS's PassThrough filter: what comes in goes out unchanged, to every sink. */
export class PassThrough extends RelayElement {
  readonly type = 'PassThrough';
  readonly hierarchy = ['kurento.Filter', 'kurento.MediaElement', 'kurento.MediaObject'] as const;
  readonly events: ReadonlySet<string> = new Set(MEDIA_ELEMENT_EVENTS);

  constructor(host: ObjectHost, pipeline: MediaObject) {
    super(host, 'PassThrough', pipeline);
  }

  override deliver(kind: MediaKind, rtp: RtpPacket): void {
    this.countIn(kind, rtp);
    this.relay(kind, rtp);
  }
}
