import { readRepoFile } from './repo';

export interface Stage {
  readonly name: string;
  readonly from: string;
  /** Instructions of the stage, continuation lines joined, comments dropped. */
  readonly instructions: ReadonlyArray<{ readonly keyword: string; readonly args: string }>;
}

/** A small Dockerfile reader: enough to check what the image runs, not a full parser. */
export function parseDockerfile(text = readRepoFile('Dockerfile')): {
  globalArgs: Map<string, string>;
  stages: Stage[];
} {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw)) continue;
    const line = raw.replace(/\s+$/, '');
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    if (full !== '') lines.push(full);
  }
  const globalArgs = new Map<string, string>();
  const stages: Array<{ name: string; from: string; instructions: Array<{ keyword: string; args: string }> }> = [];
  for (const line of lines) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const [, from = '', name = ''] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args) ?? [];
      stages.push({ name, from, instructions: [] });
    } else if (stages.length === 0) {
      if (upper === 'ARG') {
        const [key = '', value = ''] = args.split('=');
        globalArgs.set(key, value);
      }
    } else {
      stages[stages.length - 1]?.instructions.push({ keyword: upper, args });
    }
  }
  return { globalArgs, stages };
}

/** An exec-form instruction argument (`["node", "x"]`), or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? (parsed as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** The last instruction `keyword` of `stage`, following `FROM <earlier stage>` inheritance. */
export function effective(stages: Stage[], stageName: string, keyword: string): string | undefined {
  const stage = stages.find((s) => s.name === stageName);
  if (!stage) return undefined;
  const own = stage.instructions.filter((i) => i.keyword === keyword).at(-1);
  if (own) return own.args;
  return stages.some((s) => s.name === stage.from) ? effective(stages, stage.from, keyword) : undefined;
}
