import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

import { schemaKeys } from '../../scripts/lib/env-schema';
import { envSchema, parseEnv } from '../env';

/** The Kubernetes manifests, checked statically (no cluster runs here), as the Dockerfile is. */
const dir = join(process.cwd(), 'deploy', 'kubernetes');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string } };
}

interface Port {
  name?: string;
  containerPort: number;
  hostPort?: number;
  protocol?: string;
}

interface Probe {
  httpGet?: { path: string; port: number | string };
  tcpSocket?: { port: number | string };
  exec?: { command: string[] };
}

interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: EnvVar[];
  ports?: Port[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: { cpu?: string; memory?: string }; limits?: { memory?: string } };
}

interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { containers: Container[]; hostNetwork?: boolean };
}

const files = readdirSync(dir).filter((file) => file.endsWith('.yaml'));
const kustomization = parseAllDocuments(
  readFileSync(join(dir, 'kustomization.yaml'), 'utf8'),
)[0]?.toJS() as { kind: string; resources: string[] } | undefined;
const documents: { file: string; manifest: Manifest }[] = files
  .filter((file) => file !== 'kustomization.yaml')
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
      return { file, manifest: document.toJS() as Manifest };
    }),
  );

function find(kind: string, name: string): Manifest {
  const found = documents.find(
    (d) => d.manifest.kind === kind && d.manifest.metadata.name === name,
  );
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found.manifest;
}

function template(workload: Manifest): PodTemplate {
  return (workload.spec as { template: PodTemplate }).template;
}

function container(workload: Manifest): Container {
  const first = template(workload).spec.containers[0];
  if (!first) throw new Error(`${workload.metadata.name} has no container`);
  return first;
}

/** A container's environment as the process would see it (downward API and secrets filled in). */
function resolvedEnv(env: EnvVar[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const variable of env) {
    let value = variable.value;
    if (variable.valueFrom?.fieldRef) value = '10.0.0.7';
    if (variable.valueFrom?.secretKeyRef) value = 'a-secret-long-enough-for-every-variable-here';
    out[variable.name] = (value ?? '').replace(
      /\$\((\w+)\)/g,
      (_, name: string) => out[name] ?? '',
    );
  }
  return out;
}

function portOf(target: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  return target.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  it('parse, name every object once, and are all listed in kustomization.yaml', () => {
    const seen = new Set<string>();
    for (const { manifest } of documents) {
      expect(manifest.apiVersion).toBeTruthy();
      const key = `${manifest.kind}/${manifest.metadata.name}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
    expect(kustomization?.kind).toBe('Kustomization');
    expect([...(kustomization?.resources ?? [])].sort()).toEqual(
      files.filter((file) => file !== 'kustomization.yaml').sort(),
    );
  });

  it('run the app as a Deployment of several replicas, with only variables server/env.ts accepts', () => {
    const app = find('Deployment', 'moim-app');
    expect((app.spec as { replicas: number }).replicas).toBeGreaterThanOrEqual(2);
    const keys = schemaKeys(envSchema) ?? [];
    const env = container(app).env ?? [];
    const helpers = new Set(['NODE_IP']); // only used inside other values ($(NODE_IP))
    for (const variable of env) {
      if (!helpers.has(variable.name)) expect(keys, variable.name).toContain(variable.name);
    }
    const config = parseEnv(resolvedEnv(env));
    expect(config.cluster?.redisUrl).toBe('redis://moim-redis:6379');
    expect(config.kmsUrls).toEqual(['ws://10.0.0.7:8888/kurento']);
    expect(config.turn).toBeDefined();
  });

  it('probe /readyz and /healthz on the port the app listens on, and the Service and Ingress reach it', () => {
    const app = container(find('Deployment', 'moim-app'));
    const port = parseEnv(resolvedEnv(app.env ?? [])).port;
    expect(app.ports?.map((p) => p.containerPort)).toEqual([port]);
    expect(app.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(app.livenessProbe?.httpGet?.path).toBe('/healthz');
    for (const probe of [app.readinessProbe, app.livenessProbe]) {
      expect(portOf(app, probe?.httpGet?.port ?? -1)).toBe(port);
    }
    const service = find('Service', 'moim-app').spec as {
      selector: Record<string, string>;
      ports: { name: string; targetPort: string | number }[];
    };
    expect(template(find('Deployment', 'moim-app')).metadata.labels).toMatchObject(
      service.selector,
    );
    expect(portOf(app, service.ports[0]!.targetPort)).toBe(port);
    const ingress = JSON.stringify(find('Ingress', 'moim').spec);
    expect(ingress).toContain('"name":"moim-app"');
    expect(ingress).toContain(`"name":"${service.ports[0]!.name}"`);
  });

  it('point REDIS_URL and KMS_URL at the Redis Service and the KMS port', () => {
    const env = resolvedEnv(container(find('Deployment', 'moim-app')).env ?? []);
    const redisUrl = new URL(env['REDIS_URL'] ?? '');
    const redis = find('Service', redisUrl.hostname).spec as {
      selector: Record<string, string>;
      ports: { port: number; targetPort: string }[];
    };
    expect(redis.ports[0]!.port).toBe(Number(redisUrl.port));
    const redisDeployment = find('Deployment', 'moim-redis');
    expect(template(redisDeployment).metadata.labels).toMatchObject(redis.selector);
    expect(portOf(container(redisDeployment), redis.ports[0]!.targetPort)).toBe(6379);
    const kms = find('DaemonSet', 'moim-kms');
    expect(template(kms).spec.hostNetwork).toBe(true);
    const kmsPort = container(kms).ports?.find((p) => p.name === 'kurento');
    expect(new URL(env['KMS_URL'] ?? '').port).toBe(String(kmsPort?.containerPort));
    expect(kmsPort?.hostPort).toBe(kmsPort?.containerPort);
  });

  it('give KMS a UDP range with an even minimum and an odd maximum, on the host network', () => {
    const env = resolvedEnv(container(find('DaemonSet', 'moim-kms')).env ?? []);
    const min = Number(env['KMS_MIN_PORT']);
    const max = Number(env['KMS_MAX_PORT']);
    expect(min % 2).toBe(0);
    expect(max % 2).toBe(1);
    expect(max - min + 1).toBeGreaterThanOrEqual(256);
    expect(env['KMS_EXTERNAL_IPV4']).toBeTruthy();
  });

  it('share the TURN secret between the app and coturn, on the host network', () => {
    const secretOf = (workload: Manifest, name: string) =>
      container(workload).env?.find((v) => v.name === name)?.valueFrom?.secretKeyRef;
    const coturn = find('Deployment', 'moim-coturn');
    expect(template(coturn).spec.hostNetwork).toBe(true);
    expect(secretOf(coturn, 'TURN_SECRET')).toEqual(
      secretOf(find('Deployment', 'moim-app'), 'TURN_SECRET'),
    );
    expect(container(coturn).args?.join(' ') ?? '').toContain('--use-auth-secret');
  });

  it('give every container resource requests, a memory limit and both probes', () => {
    for (const { manifest } of documents) {
      if (!['Deployment', 'DaemonSet'].includes(manifest.kind)) continue;
      for (const each of template(manifest).spec.containers) {
        const name = `${manifest.metadata.name}/${each.name}`;
        expect(each.resources?.requests?.cpu, name).toBeTruthy();
        expect(each.resources?.requests?.memory, name).toBeTruthy();
        expect(each.resources?.limits?.memory, name).toBeTruthy();
        expect(each.readinessProbe, name).toBeDefined();
        expect(each.livenessProbe, name).toBeDefined();
        expect(each.image, name).toMatch(/:[\w.-]+$/);
      }
    }
  });
});
