// Usage: npx tsx scripts/check-catalog.ts seed/catalog.json — prints every problem, exit 1 if any.
import { readFileSync } from 'node:fs';
import { formatProblems, validateCatalog } from '../src/catalog/validate-catalog.js';

const path = process.argv[2] ?? 'seed/catalog.json';
const file: unknown = JSON.parse(readFileSync(path, 'utf8'));
const problems = validateCatalog(file);
if (problems.length) {
  console.error(formatProblems(problems));
  console.error(`${problems.length} problem(s)`);
  process.exit(1);
}
const c = file as { agencies: unknown[]; procedures: unknown[]; groups: unknown[]; fields: unknown[] };
console.log(`ok: ${c.fields.length} fields, ${c.agencies.length} agencies, ${c.procedures.length} procedure versions, ${c.groups.length} groups`);
