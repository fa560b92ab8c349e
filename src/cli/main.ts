// svmsim's CLI: a thin layer that parses arguments and calls library functions. Each file in
// ./commands exports `register(program)` and adds its command; they load in name order.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { BadInput, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OUTPUT, EXIT_VIOLATION } from '../errors.ts';
import { WorkerFault } from '../runtime/thread-faults.ts';

// stdout that cannot take the output (`| head` closed it: EPIPE; a full disk: ENOSPC) is one line
// on stderr and exit 74, not an uncaught exception (exit 1 would read as "an oracle fired").
// Files the run writes were written before its printout.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  const why = e.code === 'EPIPE' ? 'the reader closed it' : e.code === 'ENOSPC' ? 'no space left' : e.message;
  try {
    process.stderr.write(`svmsim: cannot write to stdout: ${e.code ?? 'error'} (${why}); the output is cut short\n`);
  } finally {
    process.exit(EXIT_OUTPUT);
  }
});

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

const program = new Command('svmsim')
  .description('Run the Intel VT-d SVM mm-refcount bug (iommu/vt-d: hold mm_count not mm_users) as communicating xstate actors')
  .version(version, '-V, --version', 'print the version')
  .showHelpAfterError()
  .exitOverride();

// A command whose file carries its name loads alone (a start loads one command's modules, not
// every command's); anything else (--help, no command, help, variants, a typo) loads them all.
const dir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
const files = readdirSync(dir).filter((x) => x.endsWith('.ts')).sort();
const named = files.find((f) => f === `${process.argv[2]}.ts`);
for (const f of named ? [named] : files) {
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { register: (p: Command) => void };
  mod.register(program);
}

/** A file that failed to be written after the work (the disk filled up): one line, exit 74. */
const writeFailure = (e: unknown): e is NodeJS.ErrnoException & { path: string } =>
  e instanceof Error && typeof (e as NodeJS.ErrnoException).path === 'string' && ['open', 'write', 'rename', 'mkdir', 'copyfile'].includes((e as NodeJS.ErrnoException).syscall ?? '');

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    process.exitCode = e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
  } else if (e instanceof BadInput) {
    process.stderr.write(`svmsim: ${e.message}\n`);
    process.exitCode = EXIT_BAD_INPUT;
  } else if (writeFailure(e)) {
    process.stderr.write(`svmsim: cannot write ${(e as { dest?: string }).dest ?? e.path}: ${e.code}\n`);
    process.exitCode = EXIT_OUTPUT;
  } else if (e instanceof WorkerFault) {
    // An injected worker fault (src/runtime/thread-faults.ts) ended the run: reported as that fault.
    process.stderr.write(`svmsim: the run ended by an injected ${e.message}\n`);
    process.exitCode = EXIT_VIOLATION;
  } else {
    process.stderr.write(`svmsim: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = EXIT_INTERNAL;
  }
}
