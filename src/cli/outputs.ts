// What a run can leave behind besides its printout: a trace report page (--report), a Mermaid
// sequence diagram (--mermaid) and a live feed to the Stately inspector (--inspect). Shared by
// run, replay and explore. Each view's code (the inspector's relay, the report's chart renderer)
// is loaded only when asked for: every CLI start would pay for it otherwise.
import type { Command } from 'commander';
import { BadInput } from '../variants/variants.ts';
import type { SimResult } from '../simulate.ts';
import type { TransportOptions } from '../engine/transports.ts';
import type { LiveInspector } from '../views/inspect.ts';
import { maybeOutFile } from '../paths.ts';

export interface OutputOpts {
  report?: string;
  mermaid?: string;
  inspect?: boolean;
}

export const addOutputOptions = (c: Command, inspect = true): Command => {
  c.option('--report <file>', 'write the run as a self-contained HTML trace viewer').option('--mermaid <file>', 'write the trace as a Mermaid sequenceDiagram');
  return inspect ? c.option('--inspect', 'feed every actor to the Stately inspector (a relay on 127.0.0.1; serves until Ctrl-C)') : c;
};

/** What the report's header names. */
export interface RunMeta {
  scenario: string;
  kernel: string;
  strategy: string;
  transport: string;
}

export interface Outputs {
  /** For makeTransport: the inspector's feed, when --inspect. */
  transport: Pick<TransportOptions, 'inspect'>;
  /** Write the files asked for; with --inspect, keep serving until Ctrl-C. */
  finish(r: SimResult, meta: RunMeta, signal?: AbortSignal): Promise<void>;
}

/** Check the output files before any work: a bad path is one line, exit 2. */
export function checkOutputs(o: OutputOpts): void {
  maybeOutFile('--report', o.report);
  maybeOutFile('--mermaid', o.mermaid);
}

export async function startOutputs(o: OutputOpts): Promise<Outputs> {
  checkOutputs(o);
  let insp: LiveInspector | undefined;
  if (o.inspect) {
    const { startInspector } = await import('../views/inspect.ts');
    insp = await startInspector();
    process.stderr.write(`${insp.banner}\n`);
  }
  return {
    transport: insp ? { inspect: insp.inspect } : {},
    async finish(r, meta, signal) {
      if (o.report !== undefined) {
        const file = o.report;
        const { writeReport } = await import('../views/report.ts');
        writing('report', file, () => writeReport(file, { ...r, ...meta }));
      }
      if (o.mermaid !== undefined) {
        const file = o.mermaid;
        const { writeMermaidSequence } = await import('../views/mermaid-sequence.ts');
        writing('mermaid', file, () => writeMermaidSequence(file, r));
      }
      if (insp) {
        process.stderr.write(`inspector: the run is over; still serving ${insp.url} (a late viewer gets every event) until Ctrl-C\n`);
        await insp.untilInterrupted(signal);
        await insp.stop();
      }
    },
  };
}

/** A file that cannot be written is a one-line error (exit 2), not a stack. */
function writing(what: string, file: string, write: () => void): void {
  try {
    write();
  } catch (e) {
    throw new BadInput(`cannot write ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  process.stderr.write(`${what}: ${file}\n`);
}
