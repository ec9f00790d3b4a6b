import { describe, expect, it } from 'vitest';

import {
  DockerfileError,
  exposedPorts,
  finalStage,
  parseDockerfile,
  parseKeyValues,
  stageEnv,
  substitute,
} from './lib/dockerfile';

const sample = `# syntax=docker/dockerfile:1
ARG BASE=node:20-bookworm-slim
FROM \${BASE} AS deps
WORKDIR /app
# a comment
RUN npm ci \\
  # comment inside a continuation
  --omit=dev
FROM deps AS final
ENV A=1 B="two words" \\
    C=3
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
EXPOSE 3000 40000-40010/udp
CMD ["node", "dist/server.js"]
`;

describe('parseDockerfile', () => {
  const parsed = parseDockerfile(sample);

  it('splits stages and substitutes global ARGs in FROM', () => {
    expect(parsed.stages.map((s) => [s.from, s.name])).toEqual([
      ['node:20-bookworm-slim', 'deps'],
      ['deps', 'final'],
    ]);
  });

  it('joins continuation lines and skips comments inside them', () => {
    const run = parsed.stages[0]?.instructions.find((i) => i.keyword === 'RUN');
    expect(run?.args).toBe('npm ci --omit=dev');
  });

  it('reads flags, ENV pairs, exec form and EXPOSE ranges', () => {
    const stage = finalStage(parsed);
    const copy = stage.instructions.find((i) => i.keyword === 'COPY');
    expect(copy?.flags).toEqual({ from: 'deps', chown: 'node:node' });
    expect(copy?.args).toBe('/app/node_modules ./node_modules');
    expect(stageEnv(parsed, stage)).toEqual({ A: '1', B: 'two words', C: '3' });
    expect(stage.instructions.find((i) => i.keyword === 'CMD')?.exec).toEqual([
      'node',
      'dist/server.js',
    ]);
    expect(exposedPorts(stage)).toEqual([
      { from: 3000, to: 3000, protocol: 'tcp' },
      { from: 40000, to: 40010, protocol: 'udp' },
    ]);
  });

  it('rejects unknown instructions, instructions before FROM and broken exec form', () => {
    expect(() => parseDockerfile('FROM x\nRUNN echo')).toThrow(DockerfileError);
    expect(() => parseDockerfile('RUN echo\nFROM x')).toThrow(/before the first FROM/);
    expect(() => parseDockerfile('FROM x\nCMD ["node", dist]')).toThrow(/JSON array/);
    expect(() => parseDockerfile('# only a comment')).toThrow(/no FROM/);
  });
});

describe('helpers', () => {
  it('substitutes ${VAR}, ${VAR:-default} and $VAR', () => {
    expect(substitute('${A}-${B:-b}-$C', { A: 'a', C: 'c' })).toBe('a-b-c');
  });
  it('parses legacy `ENV name value`', () => {
    expect(parseKeyValues('NAME some value')).toEqual({ NAME: 'some value' });
  });
});
