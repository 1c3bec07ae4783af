/**
 * Preloaded (NODE_OPTIONS=--require) into profiled services: `node --cpu-prof` writes its profile when the process
 * exits, and a process without a SIGTERM handler (the bare baseline) is killed by the signal before it can. On
 * SIGTERM this exits at once when no one else handles the signal, and otherwise gives the other handler (a tracer's
 * flush) 3 s to exit first -- the zero-code preload never exits on its own.
 */
process.on('SIGTERM', () => {
  if (process.listenerCount('SIGTERM') === 1) process.exit(0);
  setTimeout(() => process.exit(0), 3_000).unref();
});
