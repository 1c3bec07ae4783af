/**
 * A value shared by every copy of this package in the process, created on first use. Kept on globalThis so the
 * preloaded copy and the one a service imports share one registry even if the package were ever loaded twice (for
 * example through two different symlinked paths).
 */
export function processWide<T>(name: string, create: () => T): T {
  const key = Symbol.for(`otel-stack.telemetry.${name}`);
  const g = globalThis as typeof globalThis & Record<symbol, unknown>;
  g[key] ??= create();
  return g[key] as T;
}
