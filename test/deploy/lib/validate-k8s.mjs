// Validates Kubernetes objects (a JSON array on stdin) against the schemas of `kubernetes-models`, generated from
// the Kubernetes OpenAPI specification. Runs as its own Node.js process because the package is ESM-only with an
// `import`-only export map, which jest's CommonJS module registry cannot resolve.
// Output (stdout): a JSON array of { kind, name, error } with error null when the object is valid.
import { readFileSync } from 'node:fs';

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const object of objects) {
  const { apiVersion = '', kind = '' } = object;
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const specifier = group === '' ? `kubernetes-models/${version}` : `kubernetes-models/${group}/${version}`;
  let error = null;
  try {
    const Model = (await import(specifier))[kind];
    if (typeof Model !== 'function') throw new Error(`no schema for ${apiVersion} ${kind}`);
    new Model(object).validate();
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  results.push({ kind, name: object.metadata?.name ?? '', error });
}
process.stdout.write(JSON.stringify(results));
