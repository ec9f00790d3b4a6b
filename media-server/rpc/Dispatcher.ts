import type { Logger } from 'pino';
import { Errors, KurentoError, toKurentoError } from './errors';
import type { Request } from './frame';
import type { Session, Sessions } from './Sessions';
import type { ObjectRegistry } from '../objects/ObjectRegistry';
import type { Json, JsonObject } from '../objects/params';
import { Params, isJsonObject } from '../objects/params';

/** The connection a request came on, as the dispatcher sees it. */
export interface CallContext {
  /** Session bound to the connection (KMS injects it into requests that carry none). */
  boundSession: string | undefined;
  /** Binds the connection to a session (connect, or the first reply carrying a sessionId). */
  bind(session: Session): void;
}

function str(params: JsonObject, name: string): string {
  const v = params[name];
  if (v === undefined || v === null) throw Errors.serverParam(`'${name}' parameter is required`);
  if (typeof v !== 'string') throw Errors.serverParam(`'${name}' parameter should be a string`);
  return v;
}

function obj(params: JsonObject, name: string): JsonObject {
  const v = params[name];
  if (v === undefined || v === null) return {};
  if (!isJsonObject(v)) throw Errors.serverParam(`'${name}' parameter should be an object`);
  return v;
}

/** Implements the Kurento Protocol methods on top of the object registry and the sessions. */
export class Dispatcher {
  constructor(
    private readonly registry: ObjectRegistry,
    private readonly sessions: Sessions,
    private readonly logger: Logger,
  ) {}

  /** Runs one request; resolves to the `result` object or throws a KurentoError. */
  async call(req: Request, ctx: CallContext): Promise<JsonObject> {
    const p = req.params;
    const given = typeof p['sessionId'] === 'string' ? p['sessionId'] : undefined;
    const sessionId = given ?? ctx.boundSession;
    switch (req.method) {
      case 'ping': {
        return sessionId ? { value: 'pong', sessionId } : { value: 'pong' };
      }
      case 'connect': {
        if (given === undefined) {
          const s = this.sessions.getOrCreate(undefined);
          ctx.bind(s);
          return { sessionId: s.id, serverId: this.registry.serverManager.serverId };
        }
        const s = this.sessions.get(given);
        if (!s) throw Errors.invalidSession();
        ctx.bind(s);
        return { sessionId: s.id, serverId: this.registry.serverManager.serverId };
      }
      case 'keepAlive':
      case 'closeSession': {
        return { sessionId: this.sessions.getOrCreate(sessionId).id };
      }
      case 'describe': {
        // describe's fields sit next to sessionId in the result; there is no `value`.
        const o = this.registry.get(str(p, 'object'));
        const s = this.sessions.getOrCreate(sessionId);
        return {
          type: o.type,
          qualifiedType: o.qualifiedType,
          hierarchy: [...o.hierarchy],
          sessionId: s.id,
        };
      }
      case 'transaction': {
        return await this.#transaction(p, ctx, sessionId);
      }
      default:
        break;
    }
    const session = this.sessions.getOrCreate(sessionId);
    const value = await this.#objectCall(req.method, p, session);
    return value === undefined ? { sessionId: session.id } : { value, sessionId: session.id };
  }

  async #objectCall(method: string, p: JsonObject, session: Session): Promise<Json | undefined> {
    switch (method) {
      case 'create': {
        const type = str(p, 'type');
        const o = await this.registry.create(type, new Params(obj(p, 'constructorParams')));
        session.owned.add(o.id);
        try {
          // Properties with a setter are applied; others are kept by KMS as free-form config and
          // kurento-client sends some of its own (`mediaPipeline` of a HubPort), so skip them.
          for (const [k, v] of Object.entries(obj(p, 'properties'))) {
            const setter = `set${k.charAt(0).toUpperCase()}${k.slice(1)}`;
            if (o.hasOperation(setter)) await o.invoke(setter, new Params({ [k]: v }));
          }
        } catch (err) {
          o.release();
          throw err;
        }
        this.logger.debug({ id: o.id, session: session.id }, 'create() | created');
        return o.id;
      }
      case 'invoke': {
        const o = this.registry.get(str(p, 'object'));
        const operation = str(p, 'operation');
        const result = await o.invoke(operation, new Params(obj(p, 'operationParams')));
        return result;
      }
      case 'subscribe': {
        const o = this.registry.get(str(p, 'object'));
        const type = str(p, 'type');
        if (!o.events.has(type)) throw Errors.eventNotSupported(type);
        return this.sessions.subscribe(session, o.id, type);
      }
      case 'unsubscribe': {
        const sub = p['subscription'];
        if (typeof sub === 'string') this.sessions.unsubscribe(session, sub);
        return undefined;
      }
      case 'release': {
        const o = this.registry.get(str(p, 'object'));
        if (o === this.registry.serverManager) {
          throw Errors.operationNotSupported('The ServerManager cannot be released');
        }
        o.release();
        return undefined;
      }
      default:
        throw Errors.methodNotFound();
    }
  }

  /** KMS `transaction`: ops run in order, `newref:N` refers to op N's result, first failure stops. */
  async #transaction(
    p: JsonObject,
    ctx: CallContext,
    sessionId: string | undefined,
  ): Promise<JsonObject> {
    const ops = p['operations'];
    if (!Array.isArray(ops)) throw Errors.serverParam("'operations' parameter is required");
    const session = this.sessions.getOrCreate(sessionId);
    const responses: Json[] = [];
    const values: Json[] = [];
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      if (!isJsonObject(op) || op['id'] !== i || typeof op['method'] !== 'string') {
        throw Errors.malformedTransaction(`Id of request '${i}' should be '${i}'`);
      }
      const params = resolveRefs(isJsonObject(op['params']) ? op['params'] : {}, values);
      try {
        const result = await this.call(
          { method: op['method'], params: { ...params, sessionId: session.id }, id: i },
          ctx,
        );
        values[i] = result['value'] ?? null;
        responses.push({ jsonrpc: '2.0', id: i, result });
      } catch (err) {
        responses.push({ jsonrpc: '2.0', id: i, error: toKurentoError(err).toJson() });
        break;
      }
    }
    return { value: responses, sessionId: session.id };
  }
}

function resolveRefs(params: JsonObject, values: Json[]): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(params)) {
    const m = typeof v === 'string' ? /^newref:(\d+)$/.exec(v) : null;
    out[k] = m ? (values[Number(m[1])] ?? v) : isJsonObject(v) ? resolveRefs(v, values) : v;
  }
  return out;
}

export { KurentoError };
