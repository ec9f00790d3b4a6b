import { Errors } from '../rpc/errors';
import type { ObjectHost } from './MediaObject';
import { MediaObject } from './MediaObject';

export class MediaPipeline extends MediaObject {
  readonly type = 'MediaPipeline';
  readonly hierarchy = ['kurento.MediaObject'] as const;
  readonly events: ReadonlySet<string> = new Set(['Error']);
  #latencyStats = false;

  constructor(host: ObjectHost) {
    super(host, 'MediaPipeline');
    this.property(
      'latencyStats',
      () => this.#latencyStats,
      (p, n) => {
        this.#latencyStats = p.bool(n);
      },
    );
    const noGst = () => {
      throw Errors.notImplemented('GStreamer graphs do not exist in this media server');
    };
    this.operation('getGstreamerDot', noGst);
    this.operation('dumpGstreamerDot', noGst);
  }

  protected onRelease(): void {
    // Children (endpoints) hold every resource; MediaObject.release() releases them first.
  }
}
