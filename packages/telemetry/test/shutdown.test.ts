import { onShutdown, shutdown } from '../src/shutdown';

// The hook registry is process-wide by design; each test registers fresh hooks and observes only its own.
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

beforeEach(() => {
  jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => jest.restoreAllMocks());

describe('shutdown', () => {
  it('drains, then flushes, then exits 0', async () => {
    const order: string[] = [];
    onShutdown(async () => {
      order.push('drain');
    });
    const exit = jest.fn();
    await shutdown('SIGTERM', {
      flush: async () => {
        order.push('flush');
      },
      drainTimeoutMs: 1000,
      flushTimeoutMs: 1000,
      exit,
    });
    expect(order.slice(-2)).toEqual(['drain', 'flush']);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('bounds a flush that never finishes (collector unreachable) and still exits 0', async () => {
    const exit = jest.fn();
    const started = Date.now();
    await shutdown('SIGTERM', { flush: () => new Promise(() => {}), drainTimeoutMs: 1000, flushTimeoutMs: 100, exit });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('bounds a drain that hangs, still flushes, and exits 1', async () => {
    const hang = deferred();
    onShutdown(() => hang.promise);
    const flush = jest.fn(async () => {});
    const exit = jest.fn();
    await shutdown('SIGINT', { flush, drainTimeoutMs: 100, flushTimeoutMs: 100, exit });
    expect(flush).toHaveBeenCalled();
    expect(exit).toHaveBeenCalledWith(1);
    hang.resolve();
  });
});
