/**
 * The benchmarks start the worker with the runtime image's ENV, read from the Dockerfile
 * (bench/image-env.ts): the figures in BENCHMARKS.md are those of the worker as the image runs it.
 */
import { imageEnvironment } from '../../bench/image-env';

it("reads the runtime stage's ENV, continuation lines and quotes included, not the build stage's", () => {
  const dockerfile = [
    'FROM node:24 AS build',
    'ENV BUILD_ONLY=1',
    'FROM node:24-slim',
    'ENV NODE_ENV=production \\',
    '    MALLOC_ARENA_MAX=2 \\',
    '    NODE_OPTIONS="--max-semi-space-size=2 --max-old-space-size=384"',
    'ENV LATER=x',
    'CMD ["node", "dist/workers/main.js"]',
  ].join('\n');
  expect(imageEnvironment(dockerfile)).toEqual({
    NODE_ENV: 'production',
    MALLOC_ARENA_MAX: '2',
    NODE_OPTIONS: '--max-semi-space-size=2 --max-old-space-size=384',
    LATER: 'x',
  });
});

it('the image runs the worker in production mode, with two malloc arenas and bounded V8 heaps', () => {
  const env = imageEnvironment();
  expect(env).toMatchObject({ NODE_ENV: 'production', CROSSLINK_WORKFLOW_CODE: 'prebuilt', MALLOC_ARENA_MAX: '2' });
  // The old-generation limit is what the Temporal SDK sizes the sticky cache from.
  expect(env.NODE_OPTIONS?.split(' ')).toEqual(['--max-semi-space-size=2', '--max-old-space-size=384']);
});
