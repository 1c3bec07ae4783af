// The config every agent should run, kept on disk so a restarted control plane pushes nothing new: agents that
// reconnect report the hash they run, and it is the one stored here.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ConfigParameters } from './collector-config';

export interface DesiredConfig {
  readonly yaml: string;
  readonly hash: string;
  /** The parameters it was rendered from; null for a config pushed whole. */
  readonly parameters: ConfigParameters | null;
  readonly createdAt: string;
}

/** One push and what became of it. */
export interface Rollout {
  readonly hash: string;
  status: 'PENDING' | 'APPLIED' | 'FAILED';
  /** For FAILED: the agent and the collector's message; the config was rolled back to `rolledBackTo`. */
  failure?: { readonly instanceId: string; readonly errorMessage: string };
  rolledBackTo?: string;
  readonly createdAt: string;
}

interface StateFile {
  desired: DesiredConfig;
  previous: DesiredConfig | null;
  rollouts: Rollout[];
}

const MAX_ROLLOUTS = 20;
const FILE = 'desired-config.json';

export class DesiredConfigStore {
  #state: StateFile | undefined;

  constructor(private readonly dir: string) {
    try {
      this.#state = JSON.parse(readFileSync(path.join(dir, FILE), 'utf8')) as StateFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(
          `${path.join(dir, FILE)}: unreadable (${(err as Error).message}); move it away to start afresh`,
        );
      }
    }
  }

  get desired(): DesiredConfig | undefined {
    return this.#state?.desired;
  }

  get previous(): DesiredConfig | null {
    return this.#state?.previous ?? null;
  }

  get rollouts(): readonly Rollout[] {
    return this.#state?.rollouts ?? [];
  }

  /** Makes `next` the desired config (the current one becomes the one a failure rolls back to). */
  set(next: DesiredConfig): Rollout {
    const rollout: Rollout = { hash: next.hash, status: 'PENDING', createdAt: next.createdAt };
    this.#state = {
      desired: next,
      previous: this.#state?.desired ?? null,
      rollouts: [rollout, ...(this.#state?.rollouts ?? [])].slice(0, MAX_ROLLOUTS),
    };
    this.#save();
    return rollout;
  }

  /** The desired config failed on an agent: the previous one is desired again. Returns it (null: none to go back to). */
  rollBack(instanceId: string, errorMessage: string): DesiredConfig | null {
    const state = this.#state;
    if (!state) return null;
    const rollout = state.rollouts.find((r) => r.hash === state.desired.hash);
    if (rollout) {
      rollout.status = 'FAILED';
      rollout.failure = { instanceId, errorMessage };
    }
    if (!state.previous) {
      this.#save();
      return null;
    }
    if (rollout) rollout.rolledBackTo = state.previous.hash;
    this.#state = { desired: state.previous, previous: null, rollouts: state.rollouts };
    this.#save();
    return state.previous;
  }

  markApplied(hash: string): void {
    const rollout = this.#state?.rollouts.find((r) => r.hash === hash && r.status === 'PENDING');
    if (!rollout) return;
    rollout.status = 'APPLIED';
    this.#save();
  }

  #save(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = path.join(this.dir, FILE);
    // Written whole, then renamed: a crash leaves the old file or the new one, never half of one.
    writeFileSync(`${file}.tmp`, JSON.stringify(this.#state), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }
}
