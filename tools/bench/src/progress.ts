const started = Date.now();

/** Progress on stderr (stdout stays free for results), with the elapsed time. */
export function progress(message: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[bench ${s}s] ${message}\n`);
}
