#!/usr/bin/env node
// `npm test`: build, check the dependency rules, then run every test tier in order, and end with
// one plain summary line ("N passed, N failed, N skipped") counted from Jest's JSON results.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const jest = ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js'];
const out = join('.tmp', 'test-results');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const only = process.argv.slice(2);
const stages = [
  { name: 'build', cmd: 'npm', args: ['run', '--silent', 'build'] },
  { name: 'dependency rules', cmd: 'npm', args: ['run', '--silent', 'lint:deps'] },
  { name: 'unit', cmd: 'node', args: [...jest, '--selectProjects', 'unit', '--maxWorkers=2'], json: 'unit' },
  { name: 'integration', cmd: 'node', args: [...jest, '--selectProjects', 'int', '--runInBand'], json: 'int' },
  { name: 'end-to-end', cmd: 'node', args: [...jest, '--selectProjects', 'e2e', '--runInBand'], json: 'e2e' },
  // Every benchmark at tiny sizes, so `npm run bench` cannot rot; its figures are not checked here.
  { name: 'bench smoke', cmd: 'node', args: ['dist/bench/run.js', '--smoke'] },
].filter((s) => only.length === 0 || only.includes(s.json ?? s.name));

let failedStage = null;
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const stage of stages) {
  console.log(`\n=== ${stage.name} ===`);
  const file = stage.json ? join(out, `${stage.json}.json`) : null;
  const args = file ? [...stage.args, '--json', `--outputFile=${file}`] : stage.args;
  const result = spawnSync(stage.cmd, args, { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });
  if (file) {
    try {
      const report = JSON.parse(readFileSync(file, 'utf8'));
      totals.passed += report.numPassedTests;
      totals.failed += report.numFailedTests;
      totals.skipped += report.numPendingTests + report.numTodoTests;
      if (report.numFailedTestSuites > 0 && report.numFailedTests === 0) totals.failed += report.numFailedTestSuites;
    } catch {
      totals.failed += 1; // the runner died before writing its report
    }
  }
  if (result.status !== 0) {
    failedStage = stage.name;
    break;
  }
}

if (failedStage) console.error(`\nThe ${failedStage} stage failed; later stages did not run.`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedStage ? 1 : 0);
