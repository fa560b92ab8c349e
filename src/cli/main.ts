// svmsim's CLI: a thin layer that parses arguments and calls library functions. Each file in
// ./commands exports `register(program)` and adds its command; they load in name order.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { BadInput, EXIT_BAD_INPUT, EXIT_VIOLATION } from './errors.ts';
import { WorkerFault } from '../faults/worker.ts';

// `svmsim run | head` closes stdout early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const program = new Command('svmsim')
  .description('Run the Intel VT-d SVM mm-refcount bug (iommu/vt-d: hold mm_count not mm_users) as communicating xstate actors')
  .showHelpAfterError()
  .exitOverride();

const dir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts')).sort()) {
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { register: (p: Command) => void };
  mod.register(program);
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    process.exitCode = e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
  } else if (e instanceof BadInput) {
    process.stderr.write(`svmsim: ${e.message}\n`);
    process.exitCode = EXIT_BAD_INPUT;
  } else if (e instanceof WorkerFault) {
    // An injected worker fault (src/faults/worker.ts) ended the run: reported as that fault.
    process.stderr.write(`svmsim: the run ended by an injected ${e.message}\n`);
    process.exitCode = EXIT_VIOLATION;
  } else {
    process.stderr.write(`svmsim: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 70;
  }
}
