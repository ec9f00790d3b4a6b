/** Limits shared by the server (to enforce) and the browser (to keep requests valid). */
export const limits = {
  roomIdMaxLength: 64,
  displayNameMaxLength: 40,
  sdpMaxLength: 32 * 1024,
  candidateMaxLength: 512,
  /** Socket.IO `maxHttpBufferSize`: no single message may exceed this. */
  messageMaxBytes: 64 * 1024,
} as const;
