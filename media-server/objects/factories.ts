import { Errors } from '../rpc/errors';
import { DispatcherOneToMany, HubPort } from './Hub';
import type { MediaObject, ObjectHost } from './MediaObject';
import { MediaPipeline } from './MediaPipeline';
import type { Params } from './params';
import { PassThrough } from './PassThrough';
import { PlayerEndpoint } from './PlayerEndpoint';
import { RecorderEndpoint } from './RecorderEndpoint';
import { MEDIA_PROFILES } from '../recording/profiles';
import { fileUnderRoot } from '../recording/uri';
import { loadFileWriter } from './lazyRecording';
import { WebRtcEndpoint } from './WebRtcEndpoint';

/** Factory names `create` knows (README's object table); anything else is 40108. */
export type FactoryName =
  | 'MediaPipeline'
  | 'WebRtcEndpoint'
  | 'PassThrough'
  | 'DispatcherOneToMany'
  | 'HubPort'
  | 'RecorderEndpoint'
  | 'PlayerEndpoint';

type Factory = (host: ObjectHost, params: Params) => MediaObject | Promise<MediaObject>;

function pipelineParam(host: ObjectHost, params: Params): MediaPipeline {
  const pipelineId = params.string('mediaPipeline');
  const pipeline = host.lookup(pipelineId);
  if (!pipeline) throw Errors.objectNotFound(pipelineId);
  if (!(pipeline instanceof MediaPipeline)) {
    throw Errors.marshall("'mediaPipeline' parameter should be a MediaPipeline");
  }
  return pipeline;
}

function webRtcEndpoint(host: ObjectHost, params: Params): WebRtcEndpoint {
  const pipeline = pipelineParam(host, params);
  const recvonly = params.optBool('recvonly') ?? false;
  const sendonly = params.optBool('sendonly') ?? false;
  if (recvonly && sendonly) {
    throw Errors.illegalParam('A WebRtcEndpoint cannot be both recvonly and sendonly');
  }
  if (params.optBool('useDataChannels') === true) {
    throw Errors.notImplemented('Data channels are not supported by this media server');
  }
  return new WebRtcEndpoint(host, pipeline, { recvonly, sendonly });
}

function hubPort(host: ObjectHost, params: Params): HubPort {
  const hubId = params.string('hub');
  const hub = host.lookup(hubId);
  if (!hub) throw Errors.objectNotFound(hubId);
  if (!(hub instanceof DispatcherOneToMany)) {
    throw Errors.marshall("'hub' parameter should be a Hub (DispatcherOneToMany)");
  }
  const pipeline = hub.parent;
  if (!(pipeline instanceof MediaPipeline)) throw Errors.unexpected('Hub without a pipeline');
  return new HubPort(host, pipeline, hub);
}

async function recorder(host: ObjectHost, params: Params): Promise<RecorderEndpoint> {
  const pipeline = pipelineParam(host, params);
  const uri = params.string('uri');
  const profile = params.optEnum('mediaProfile', MEDIA_PROFILES) ?? 'WEBM';
  const path = fileUnderRoot(uri, host.recordingsRoot, 'record to');
  const stopOnEos = params.optBool('stopOnEndOfStream') ?? false;
  const { FileWriter } = await loadFileWriter();
  return new RecorderEndpoint(host, pipeline, uri, path, profile, stopOnEos, FileWriter);
}

async function player(host: ObjectHost, params: Params): Promise<PlayerEndpoint> {
  const pipeline = pipelineParam(host, params);
  const uri = params.string('uri');
  const path = fileUnderRoot(uri, host.recordingsRoot, 'play');
  return await PlayerEndpoint.create(host, pipeline, uri, path);
}

/**
 * Builds an object of a known factory; the new object is already a child of its pipeline.
 * `type` may be qualified (`kurento.WebRtcEndpoint`).
 */
export async function createObject(
  host: ObjectHost,
  type: string,
  params: Params,
): Promise<MediaObject> {
  const name = type.startsWith('kurento.') ? type.slice('kurento.'.length) : type;
  const make = Object.hasOwn(FACTORIES, name) ? FACTORIES[name as FactoryName] : undefined;
  if (!make) throw Errors.factoryNotFound(type);
  const obj = await make(host, params);
  if (obj.parent?.released) {
    // The pipeline went while the file was opened: nothing may outlive it.
    obj.release();
    throw Errors.objectNotFound(obj.parent.id);
  }
  obj.parent?.children.add(obj);
  return obj;
}

const FACTORIES: Record<FactoryName, Factory> = {
  MediaPipeline: (host) => new MediaPipeline(host),
  WebRtcEndpoint: webRtcEndpoint,
  PassThrough: (host, params) => new PassThrough(host, pipelineParam(host, params)),
  DispatcherOneToMany: (host, params) => new DispatcherOneToMany(host, pipelineParam(host, params)),
  HubPort: hubPort,
  RecorderEndpoint: recorder,
  PlayerEndpoint: player,
};
