// `svmsim play`: choose the interleaving yourself, in the browser. A local server (127.0.0.1) keeps
// one played session (src/play/session.ts) on the inline engine and serves its page; the page
// offers every deliverable message as a button. Every check (kernel, scenario, faults, --from,
// --out, --port) is made before the server starts; Ctrl-C or SIGTERM writes the whole history to
// --out (a temp name, then rename) and ends with 128 + the signal's number.
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { EXIT_SIGNAL, intOption, type StopSignal } from '../../errors.ts';
import { withFaults } from '../../faults/override.ts';
import { loadScenario } from '../../scenario/load.ts';
import { variantByName } from '../../variants/variants.ts';
import { PlaySession } from '../../play/session.ts';
import { outFile } from '../../paths.ts';
import { defaultMaxSteps } from '../common.ts';
import { expectKind } from '../kinds.ts';
import { FAULT_NAMES } from '../../scenario/fault-kinds.ts';

export const DEFAULT_PLAY_PORT = 8031;

interface PlayOpts {
  kernel?: string;
  scenario?: string;
  faults?: string;
  from?: string;
  maxSteps?: string;
  port: string;
  out?: string;
  open: boolean;
}

/** The session the options ask for; any problem is BadInput (exit 2), before anything is served. */
async function sessionOf(o: PlayOpts): Promise<PlaySession> {
  const maxSteps = o.maxSteps === undefined ? undefined : intOption('--max-steps', o.maxSteps, 1);
  if (o.from !== undefined) {
    expectKind(o.from, 'schedule', '--from');
    const variant = o.kernel === undefined ? undefined : variantByName(o.kernel);
    if (o.scenario !== undefined) loadScenario(o.scenario); // named but not used: say so if it is wrong
    const faults = o.faults;
    return PlaySession.fromFile(o.from, { variant, maxSteps, ...(faults !== undefined ? { scenario: (s) => withFaults(s, faults) } : {}) });
  }
  const variant = variantByName(o.kernel ?? 'pre-fix');
  const scenario = withFaults(loadScenario(o.scenario ?? 'exit-with-mmap'), o.faults);
  return PlaySession.open({ scenario, variant, maxSteps: maxSteps ?? defaultMaxSteps(scenario) });
}

/** Open the page in the user's browser; no browser is no error (the address is printed). */
function openBrowser(url: string): void {
  try {
    const p = spawn(process.platform === 'darwin' ? 'open' : 'xdg-open', [url], { stdio: 'ignore', detached: true });
    p.on('error', () => {});
    p.unref();
  } catch {
    // printed above
  }
}

export function register(program: Command): void {
  program
    .command('play')
    .description('drive the interleaving yourself, in the browser: each deliverable message is a button; undo, redo, run to quiescence, explore from here, save a schedule')
    .option('-k, --kernel <variant>', 'kernel variant (see `svmsim variants`); default pre-fix, or the --from file\'s')
    .option('-s, --scenario <name|file>', 'built-in scenario or a JSON file (see `svmsim scenarios`); default exit-with-mmap')
    .option('--faults <a,b|none>', `the faults allowed, replacing the scenario's: ${FAULT_NAMES.join(', ')}, or none`)
    .option('--from <file>', 'a schedule file (a counterexample from explore --out, or one play saved): step through it, and leave it at any step')
    .option('--max-steps <n>', 'deliveries before the run is cut (default: as `run`, or the --from file\'s)')
    .option('--port <n>', `the port on 127.0.0.1 (taken: another is used)`, String(DEFAULT_PLAY_PORT))
    .option('-o, --out <file>', 'where "save" and Ctrl-C write the history (default play-<scenario>-<kernel>.json)')
    .option('--no-open', 'do not open the page in a browser')
    .action(async (o: PlayOpts) => {
      const port = intOption('--port', o.port, 0, 65535);
      const session = await sessionOf(o);
      const snap = session.snapshot();
      const out = outFile('--out', o.out ?? `play-${snap.scenario}-${snap.kernel}.json`);
      const { startPlayServer } = await import('../play-server.ts');
      const server = await startPlayServer({ session, port, out });
      if (server.moved) process.stderr.write(`play: port ${port} is taken; serving on another\n`);
      process.stderr.write(`play: open ${server.url} (${snap.scenario} on ${snap.kernel}${snap.from ? `, from ${snap.from}` : ''}; offline) · "save" writes ${out} · Ctrl-C writes the history there and stops\n`);
      if (o.open) openBrowser(server.url);
      const signal = await new Promise<StopSignal>((ok) => {
        for (const s of Object.keys(EXIT_SIGNAL) as StopSignal[]) process.once(s, () => ok(s));
      });
      const saved = await session.save(out, true);
      await server.stop();
      await session.close();
      process.stderr.write(`\nplay: ${signal}: wrote the history (${saved.choices.length} choices${saved.violation ? `, [${saved.violation.oracle}] at step ${saved.violation.step}` : ', no violation'}) to ${out}; replay it with \`svmsim replay ${out}\`\n`);
      process.exitCode = EXIT_SIGNAL[signal];
    });
}
