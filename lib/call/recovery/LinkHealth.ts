/** What a media connection tells the call about its path (see `SignalingWatch`). */
export interface LinkHealth {
  /** The connection went `disconnected`: its packets stopped arriving. */
  disconnected(): void;
}
