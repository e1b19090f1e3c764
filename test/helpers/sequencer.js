/**
 * The order jest starts test files in. jest runs the files it has timed before longest first, so that the
 * two workers of a 2-core machine finish together; without that cache (a fresh clone, a new checkout path
 * or CI) it falls back to file size, and a short file with a long synth (test/compliance/all.test.ts is 28
 * lines and a minute of work) starts last while the other worker sits idle.
 *
 * This sequencer gives jest a duration for every file it has not timed yet: the seconds of a measured run,
 * from test/durations.json (`npm run test:durations` writes it from `jest --json`). A file missing from the
 * table keeps jest's own rule (untimed files first, by size). Timings jest cached itself still win.
 */
const { readFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const root = join(__dirname, '..', '..');
const measured = JSON.parse(readFileSync(join(root, 'test', 'durations.json'), 'utf8')).seconds;

class MeasuredFirst extends Sequencer {
  time(test) {
    const cached = super.time(test);
    if (cached !== undefined) return cached;
    const seconds = measured[relative(root, test.path).split('\\').join('/')];
    return seconds === undefined ? undefined : seconds * 1000;
  }
}

module.exports = MeasuredFirst;
