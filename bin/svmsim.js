#!/usr/bin/env node
// svmsim's entry: registers tsx so the TypeScript sources run as they are (no build step), then
// hands over to the CLI. Worker threads start through src/runtime/threads/entry.js the same way.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
