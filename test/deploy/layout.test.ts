// The README's layout block names every folder a user finds at the top level and in the workspace groups, and
// runtime code never depends on development tooling.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { ROOT, readRepoFile, repoPath } from './lib/repo';

const trackedFiles = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);

function layoutBlock(): string {
  const readme = readRepoFile('README.md');
  const section = readme.slice(readme.indexOf('## Project layout'));
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('README.md: no code block under "## Project layout"');
  return block;
}

/** Top-level folders, and the packages of the grouping folders (services/x, packages/x, tools/x). */
function foldersToDescribe(): string[] {
  const folders = new Set<string>();
  for (const file of trackedFiles) {
    const [top, second, ...rest] = file.split('/');
    if (top === undefined || second === undefined || top.startsWith('.')) continue;
    folders.add(['services', 'packages', 'tools'].includes(top) && rest.length > 0 ? `${top}/${second}/` : `${top}/`);
  }
  for (const group of ['services/', 'packages/', 'tools/']) folders.delete(group);
  return [...folders].sort();
}

test.each(foldersToDescribe())('the README layout describes %s', (folder) => {
  expect(layoutBlock()).toContain(folder);
});

/** A shipped package: its dependencies (dev dependencies aside) never name development tooling. */
const RUNTIME_PACKAGES = trackedFiles
  .filter((f) => /^(services|packages)\/[^/]+\/package\.json$/.test(f) || f === 'protos/package.json')
  .map((f) => f.replace(/\/package\.json$/, ''));

const TOOLING_PACKAGES = trackedFiles
  .filter((f) => /^tools\/[^/]+\/package\.json$/.test(f))
  .map((f) => (JSON.parse(readRepoFile(f)) as { name: string }).name);

test('there are runtime and tooling packages to compare', () => {
  expect(RUNTIME_PACKAGES.length).toBeGreaterThan(0);
  expect(TOOLING_PACKAGES.length).toBeGreaterThan(0);
});

test.each(RUNTIME_PACKAGES)('%s depends on no development tooling', (dir) => {
  const pkg = JSON.parse(fs.readFileSync(repoPath(dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const tooling = TOOLING_PACKAGES;
  expect(Object.keys(pkg.dependencies ?? {}).filter((name) => tooling.includes(name))).toEqual([]);
});
