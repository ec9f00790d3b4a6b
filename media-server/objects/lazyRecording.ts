/**
 * The file side of recording and playback (mediabunny's muxers and demuxers) is loaded when the
 * first RecorderEndpoint or PlayerEndpoint is created, not at start: most media servers never
 * record, and loading it costs every process ~9 MB of RSS (issue 15, memory).
 */
import type * as FileReaderModule from '../recording/FileReader';
import type * as FileWriterModule from '../recording/FileWriter';

let writer: Promise<typeof FileWriterModule> | undefined;
let reader: Promise<typeof FileReaderModule> | undefined;

export function loadFileWriter(): Promise<typeof FileWriterModule> {
  writer ??= import('../recording/FileWriter');
  return writer;
}

export function loadFileReader(): Promise<typeof FileReaderModule> {
  reader ??= import('../recording/FileReader');
  return reader;
}
