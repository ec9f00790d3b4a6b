/**
 * A small Dockerfile parser, enough to check our Dockerfile statically (Docker cannot run on our
 * machines). It follows the reference's rules for comments, line continuations, parser directives,
 * flags (`--from=...`), exec form (JSON arrays) and `ARG` substitution in `FROM`. Heredocs are rejected.
 */

export const KEYWORDS = [
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
] as const;
export type Keyword = (typeof KEYWORDS)[number];

export interface Instruction {
  keyword: Keyword;
  /** `--name=value` flags before the arguments (`--from=build`, `--chown=node:node`, `--interval=15s`). */
  flags: Record<string, string>;
  /** The arguments after the flags, whitespace-normalised. */
  args: string;
  /**
   * The exec form's array when the arguments are a JSON array of strings (for HEALTHCHECK, the array
   * after `CMD`).
   */
  exec?: string[];
  /** 1-based line where the instruction starts. */
  line: number;
}

export interface Stage {
  /** The base image with `ARG` defaults substituted, e.g. `node:20-bookworm-slim`, or an earlier stage's name. */
  from: string;
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** `ARG`s declared before the first `FROM`, with their defaults. */
  globalArgs: Record<string, string | undefined>;
  stages: Stage[];
}

export class DockerfileError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'DockerfileError';
  }
}

const FLAG_INSTRUCTIONS = new Set<Keyword>(['ADD', 'COPY', 'FROM', 'HEALTHCHECK', 'RUN']);

/** Joins continuation lines into logical instructions, dropping comments and blank lines. */
function logicalLines(text: string): Array<{ text: string; line: number }> {
  const lines = text.split(/\r?\n/);
  let escape = '\\';
  // Parser directives: `# escape=`` ` at the very top.
  for (const raw of lines) {
    const directive = /^#\s*(\w+)\s*=\s*(\S+)\s*$/.exec(raw);
    if (!directive) break;
    if (directive[1]?.toLowerCase() === 'escape' && directive[2]) escape = directive[2];
  }
  const result: Array<{ text: string; line: number }> = [];
  let current: string | undefined;
  let start = 0;
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) return; // comments, also inside a continuation
    if (current === undefined) {
      if (trimmed === '') return;
      current = '';
      start = index + 1;
    }
    const continues = trimmed.endsWith(escape) && trimmed !== '';
    current += `${continues ? trimmed.slice(0, -escape.length) : trimmed} `;
    if (!continues) {
      result.push({ text: current.trim(), line: start });
      current = undefined;
    }
  });
  if (current !== undefined) result.push({ text: current.trim(), line: start });
  return result;
}

function parseExec(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(args);
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  } catch {
    // Not JSON: Docker runs it in shell form.
  }
  return undefined;
}

/** Replaces `$NAME`, `${NAME}` and `${NAME:-default}` with the given values. */
export function substitute(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(
    /\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g,
    (
      _match,
      braced: string | undefined,
      fallback: string | undefined,
      bare: string | undefined,
    ) => {
      const name = braced ?? bare ?? '';
      const current = vars[name];
      return current !== undefined && current !== '' ? current : (fallback ?? '');
    },
  );
}

/** Splits `a=b c="d e"` (ENV, LABEL, ARG) into pairs; also the legacy `ENV name value with spaces`. */
export function parseKeyValues(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!/^[^\s=]+=/.test(args)) {
    const [name, ...rest] = args.split(/\s+/);
    if (name) out[name] = rest.join(' ');
    return out;
  }
  const pattern = /([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  for (const match of args.matchAll(pattern)) {
    const [, key, rawValue = ''] = match;
    if (!key) continue;
    let value = rawValue;
    if (value.startsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    else if (value.startsWith("'")) value = value.slice(1, -1);
    out[key] = value;
  }
  return out;
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Record<string, string | undefined> = {};
  const stages: Stage[] = [];
  for (const { text: lineText, line } of logicalLines(text)) {
    const match = /^(\S+)\s*(.*)$/.exec(lineText);
    if (!match) continue;
    const keyword = match[1]?.toUpperCase() ?? '';
    if (!(KEYWORDS as readonly string[]).includes(keyword)) {
      throw new DockerfileError(`unknown instruction ${match[1]}`, line);
    }
    let rest = match[2] ?? '';
    if (/<<-?["']?\w+/.test(rest) && (keyword === 'RUN' || keyword === 'COPY')) {
      throw new DockerfileError('heredocs are not supported by this checker', line);
    }
    const flags: Record<string, string> = {};
    if (FLAG_INSTRUCTIONS.has(keyword as Keyword)) {
      for (;;) {
        const flag = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest);
        if (!flag?.[1]) break;
        flags[flag[1]] = flag[2] ?? 'true';
        rest = rest.slice(flag[0].length);
      }
    }
    // HEALTHCHECK [flags] CMD <command>: the command is what may be in exec form.
    const healthCmd = keyword === 'HEALTHCHECK' ? /^CMD\s+(.*)$/i.exec(rest)?.[1] : undefined;
    const exec = parseExec(healthCmd ?? rest);
    const instruction: Instruction = {
      keyword: keyword as Keyword,
      flags,
      args: exec ? rest : rest.replace(/\s+/g, ' '),
      line,
    };
    if (exec) instruction.exec = exec;

    if (keyword === 'FROM') {
      const fromMatch = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!fromMatch?.[1]) throw new DockerfileError(`bad FROM: ${rest}`, line);
      const stage: Stage = {
        from: substitute(fromMatch[1], globalArgs),
        instructions: [instruction],
      };
      if (fromMatch[2]) stage.name = fromMatch[2];
      stages.push(stage);
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) {
      if (keyword !== 'ARG') throw new DockerfileError(`${keyword} before the first FROM`, line);
      const [name, value] = rest.split('=', 2);
      if (name) globalArgs[name.trim()] = value?.trim();
      continue;
    }
    const execForm = healthCmd ?? rest;
    const execKeywords = ['CMD', 'ENTRYPOINT', 'SHELL', 'HEALTHCHECK'];
    if (execKeywords.includes(keyword) && execForm.startsWith('[') && !exec) {
      throw new DockerfileError(
        `${keyword} looks like exec form but is not a JSON array of strings`,
        line,
      );
    }
    stage.instructions.push(instruction);
  }
  if (stages.length === 0) throw new DockerfileError('no FROM instruction', 1);
  return { globalArgs, stages };
}

/** The stage an image is built from (the last one, unless a target is given). */
export function finalStage(dockerfile: Dockerfile): Stage {
  const stage = dockerfile.stages.at(-1);
  if (!stage) throw new Error('no stages');
  return stage;
}

/** The last instruction of a kind in a stage (the one Docker uses for CMD, USER, HEALTHCHECK). */
export function lastInstruction(stage: Stage, keyword: Keyword): Instruction | undefined {
  const matching = stage.instructions.filter((i) => i.keyword === keyword);
  return matching[matching.length - 1];
}

/** `ENV` values of a stage, following its chain of `FROM <earlier stage>`. */
export function stageEnv(dockerfile: Dockerfile, stage: Stage): Record<string, string> {
  const parent = dockerfile.stages.find((s) => s.name !== undefined && s.name === stage.from);
  const env: Record<string, string> =
    parent && parent !== stage ? stageEnv(dockerfile, parent) : {};
  for (const instruction of stage.instructions) {
    if (instruction.keyword === 'ENV') Object.assign(env, parseKeyValues(instruction.args));
  }
  return env;
}

export interface ExposedPort {
  from: number;
  to: number;
  protocol: 'tcp' | 'udp';
}

/** `EXPOSE 3000/tcp 40000-40299/udp` → port ranges. */
export function exposedPorts(stage: Stage, env: Record<string, string> = {}): ExposedPort[] {
  const ports: ExposedPort[] = [];
  for (const instruction of stage.instructions) {
    if (instruction.keyword !== 'EXPOSE') continue;
    for (const token of substitute(instruction.args, env).split(/\s+/)) {
      const match = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp))?$/i.exec(token);
      if (!match) throw new DockerfileError(`bad EXPOSE value ${token}`, instruction.line);
      const from = Number(match[1]);
      const to = match[2] ? Number(match[2]) : from;
      ports.push({ from, to, protocol: (match[3]?.toLowerCase() ?? 'tcp') as 'tcp' | 'udp' });
    }
  }
  return ports;
}
