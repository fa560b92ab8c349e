#!/usr/bin/env node
// svmsim's entry: registers tsx so the TypeScript sources run as they are (no build step), then
// hands over to the CLI. Worker threads start through src/runtime/threads/entry.js the same way.
// (src/bundles.js: under the test suite, a prebuilt bundle of the same sources instead.)
import { load } from '../src/bundles.js';

await load(new URL('../src/cli/main.ts', import.meta.url));
