import { Errors } from '../rpc/errors';
import { DispatcherOneToMany, HubPort } from './Hub';
import type { MediaObject, ObjectHost } from './MediaObject';
import { MediaPipeline } from './MediaPipeline';
import type { Params } from './params';
import { PassThrough } from './PassThrough';
import { WebRtcEndpoint } from './WebRtcEndpoint';

/** Factory names `create` knows (README's object table); anything else is 40108. */
export type FactoryName =
  'MediaPipeline' | 'WebRtcEndpoint' | 'PassThrough' | 'DispatcherOneToMany' | 'HubPort';

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

/**
 * Builds an object of a known factory; the new object is already a child of its pipeline.
 * `type` may be qualified (`kurento.WebRtcEndpoint`).
 */
export function createObject(host: ObjectHost, type: string, params: Params): MediaObject {
  const name = type.startsWith('kurento.') ? type.slice('kurento.'.length) : type;
  const make = FACTORIES[name as FactoryName] as
    ((h: ObjectHost, p: Params) => MediaObject) | undefined;
  if (!Object.hasOwn(FACTORIES, name) || !make) throw Errors.factoryNotFound(type);
  const obj = make(host, params);
  obj.parent?.children.add(obj);
  return obj;
}

const FACTORIES: Record<FactoryName, (host: ObjectHost, params: Params) => MediaObject> = {
  MediaPipeline: (host) => new MediaPipeline(host),
  WebRtcEndpoint: webRtcEndpoint,
  PassThrough: (host, params) => new PassThrough(host, pipelineParam(host, params)),
  DispatcherOneToMany: (host, params) => new DispatcherOneToMany(host, pipelineParam(host, params)),
  HubPort: hubPort,
};
