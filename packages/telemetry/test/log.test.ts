import { condense, createDiagLog } from '../src/log';

const exportFailure = JSON.stringify({
  stack:
    'Error: 14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:4317\n    at callErrorFromStatus (node_modules/@grpc/grpc-js/build/src/call.js:32:19)',
});

describe('SDK diagnostics', () => {
  let lines: Array<Record<string, unknown>>;
  let write: jest.SpyInstance;
  beforeEach(() => {
    lines = [];
    write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      return true;
    });
  });
  afterEach(() => write.mockRestore());

  it('keep the first line of an error, never its stack', () => {
    expect(condense(exportFailure)).toBe(
      'Error: 14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:4317',
    );
    expect(condense('plain\nsecond line')).toBe('plain');
  });

  it('say where the exports go, and log the same failure once a minute with the count held back', () => {
    let clock = 0;
    const diag = createDiagLog('http://collector:4317', () => clock);
    for (let i = 0; i < 12; i++) {
      diag.error(exportFailure);
      clock += 5_000; // one failed export every 5 s
    }
    diag.error(exportFailure);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 50,
      otlpEndpoint: 'http://collector:4317',
      msg: expect.stringMatching(/^Error: 14 UNAVAILABLE/),
    });
    expect(lines[1]).toMatchObject({ repeated: 11 });
    expect(JSON.stringify(lines)).not.toMatch(/\\n\s+at /);
  });

  it('different messages are not held back by each other', () => {
    const diag = createDiagLog('http://collector:4317', () => 0);
    diag.warn('one');
    diag.warn('two');
    expect(lines.map((l) => l.msg)).toEqual(['one', 'two']);
  });
});
