/**
 * load-generator: POST /orders traffic for the demo. `node dist/main.js --help` lists every option.
 * Exit codes: 0 the run completed (402/502 answers are part of the scenario), 1 the target never answered,
 * 2 invalid configuration, 130 a second SIGINT/SIGTERM while draining.
 */
import { ConfigError, HelpRequested, readLoadConfig } from './config';
import { createRandom, planOrder } from './scenario';
import { formatSummary, summarize } from './stats';
import { endpointUrl, LoadRun, waitUntilReady } from './traffic';

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<number> {
  let config: ReturnType<typeof readLoadConfig>;
  try {
    config = readLoadConfig(process.argv.slice(2));
  } catch (err) {
    if (err instanceof HelpRequested) {
      log(err.message);
      return 0;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`load-generator: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  const random = createRandom(config.seed);
  const run = new LoadRun(config, () => planOrder(random, config), log);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(130);
    log(`${signal}: stopping, letting in-flight requests finish (second signal exits at once)`);
    run.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  if (!(await waitUntilReady(config, () => run.stopRequested, log))) {
    return run.stopRequested ? 0 : 1;
  }
  const mix = config.tenants.map((t) => `${t.tenant ?? 'none'}:${t.weight}`).join(',');
  log(
    `load-generator: POST ${endpointUrl(config.target, 'orders').href}` +
      ` at ${config.rate}/s for ${config.durationS}s (concurrency ${config.concurrency}, tenants ${mix},` +
      ` declines ${config.declineRate}, failures ${config.failureRate}, seed ${config.seed})`,
  );
  const result = await run.run();
  const summary = summarize(result.stats, config.target.href, result.elapsedS, config.seed, result.unfinished);
  log(config.json ? JSON.stringify(summary) : formatSummary(summary));
  if (summary.sent > 0 && summary.answered === 0) {
    process.stderr.write(`load-generator: ${config.target.href} answered none of ${summary.sent} requests\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`load-generator: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
