/*
 * The recordings API (issue 14), under /api/recordings/:
 *   GET <room>/status                  anyone: is the meeting being recorded (the prejoin notice)
 *   GET <room>  (Bearer host credential) hosts only: the room's recordings and their files
 *   GET <room>/<recording>/<file>?exp&sig[&download=1]  a signed link from that list: the file,
 *       with HTTP range requests (seeking) and its content type
 * Hosts only, because a recording holds everyone's face and voice and a room link is shared
 * widely; the host who recorded decides whom to give a file to (README, "Recording").
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { ErrorCode, canonicalRoomId, recordingsApiPrefix } from '../../lib/protocol';
import type { RecordingList, RecordingStatus } from '../../lib/protocol';
import type { Logger } from '../logger';
import { contentTypes, listRecordings, resolveRecordedFile } from './catalog';
import { parseRange } from './range';
import type { FileSigner } from './signed-urls';

export interface RecordingsHttpDeps {
  root: string;
  isRecording(roomId: string): boolean;
  /** True when `credential` is a host credential for `roomId` (server/access). */
  verifyHost(roomId: string, credential: string): Promise<boolean>;
  signer: FileSigner;
  logger: Logger;
}

export { recordingsApiPrefix };

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(JSON.stringify(body));
}

function refuse(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  json(res, status, { error: { code, message } });
}

/** Handles a request under `recordingsApiPrefix` (`path` is its decoded-safe URL path). */
export function handleRecordings(
  req: IncomingMessage,
  res: ServerResponse,
  deps: RecordingsHttpDeps,
): void {
  serve(req, res, deps).catch((error: unknown) => {
    deps.logger.error({ err: error }, 'recordings | request failed');
    if (!res.headersSent) refuse(res, 500, ErrorCode.Internal, 'Something went wrong.');
    else res.destroy();
  });
}

async function serve(req: IncomingMessage, res: ServerResponse, deps: RecordingsHttpDeps) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return refuse(res, 405, ErrorCode.BadRequest, 'Use GET.');
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const parts = url.pathname.slice(recordingsApiPrefix.length).split('/');
  let roomId: string | null = null;
  try {
    roomId = canonicalRoomId(decodeURIComponent(parts[0] ?? ''));
  } catch {
    // A broken %-escape is no room id either.
  }
  if (roomId === null) {
    return refuse(res, 400, ErrorCode.BadRequest, 'Room ids use letters, digits, "-" and "_".');
  }
  if (parts.length === 2 && parts[1] === 'status') {
    const body: RecordingStatus = { recording: deps.isRecording(roomId) };
    return json(res, 200, body);
  }
  if (parts.length === 1) return list(req, res, roomId, deps);
  if (parts.length === 3) {
    const [, recordingId = '', file = ''] = parts;
    return sendFile(req, res, { roomId, recordingId, file, url }, deps);
  }
  return refuse(res, 404, ErrorCode.BadRequest, 'No such recordings resource.');
}

async function list(
  req: IncomingMessage,
  res: ServerResponse,
  roomId: string,
  deps: RecordingsHttpDeps,
): Promise<void> {
  const header = req.headers.authorization ?? '';
  const credential = /^Bearer (\S+)$/.exec(header)?.[1];
  if (credential === undefined) {
    res.setHeader('www-authenticate', 'Bearer');
    return refuse(
      res,
      401,
      ErrorCode.Forbidden,
      "Only the meeting's hosts can see its recordings.",
    );
  }
  if (!(await deps.verifyHost(roomId, credential))) {
    return refuse(
      res,
      403,
      ErrorCode.Forbidden,
      "Only the meeting's hosts can see its recordings.",
    );
  }
  const recordings = await listRecordings(deps.root, roomId, (recordingId, file) => {
    const path = filePath(roomId, recordingId, file);
    return `${path}?${deps.signer.sign(path)}`;
  });
  const body: RecordingList = { roomId, recordings };
  json(res, 200, body);
}

function filePath(roomId: string, recordingId: string, file: string): string {
  return `${recordingsApiPrefix}${encodeURIComponent(roomId)}/${recordingId}/${file}`;
}

async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  target: { roomId: string; recordingId: string; file: string; url: URL },
  deps: RecordingsHttpDeps,
): Promise<void> {
  const { roomId, recordingId, file, url } = target;
  const signed = filePath(roomId, recordingId, file);
  if (!deps.signer.verify(signed, url.searchParams.get('exp'), url.searchParams.get('sig'))) {
    return refuse(res, 403, ErrorCode.Forbidden, 'This link is not valid (or has expired).');
  }
  const found = await resolveRecordedFile(deps.root, roomId, recordingId, file);
  if (!found) return refuse(res, 404, ErrorCode.BadRequest, 'No such recorded file.');
  const { size } = await stat(found.path);
  const headers: Record<string, string | number> = {
    'content-type': contentTypes[found.container],
    'accept-ranges': 'bytes',
    'cache-control': 'private, no-store',
    'content-disposition':
      url.searchParams.get('download') === '1'
        ? `attachment; filename="${found.downloadName}"`
        : 'inline',
  };
  const range = parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${size}` });
    return void res.end();
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  const length = size === 0 ? 0 : end - start + 1;
  res.writeHead(range ? 206 : 200, {
    ...headers,
    'content-length': length,
    ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
  });
  if (req.method === 'HEAD' || length === 0) return void res.end();
  const stream = createReadStream(found.path, { start, end });
  // A viewer that seeks or closes aborts the response: the file handle goes with it.
  res.on('close', () => stream.destroy());
  stream.on('error', (error) => {
    deps.logger.warn({ err: error }, 'recordings | read failed');
    res.destroy();
  });
  stream.pipe(res);
}
