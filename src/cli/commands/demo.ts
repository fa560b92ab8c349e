// `svmsim demo` (npm start): the newcomer's first look. exit-with-mmap under pre-fix and fixed,
// side by side: the counts after exit and the verdicts, the leak cycle against all freed.
import { HW_KINDS } from '../../../machines/objects.ts';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { variantByName } from '../../variants/variants.ts';
import { loadScenario } from '../../scenario/load.ts';
import { simulate, type SimResult } from '../../simulate.ts';
import { inlineTransport } from '../../runtime/inline.ts';
import { fifo } from '../../scheduler/fifo.ts';
import type { ObjRecord } from '../../trace/objects.ts';
import { outFolder } from '../../paths.ts';

const FIELDS = ['mm_users', 'mm_count', 'f_count'] as const;

/** Counts of the seed's objects right after the task's do_exit, and at the end. */
function countsAt(r: SimResult): { exit: string; end: string; alive: string[] } {
  const exitStep = r.trace.find((e) => e.to.startsWith('process#') && e.state === 'dead')?.step ?? r.trace.length - 1;
  const at = (upTo: number) => {
    const vals: Record<string, unknown> = {};
    for (const ev of r.trace.slice(0, upTo + 1)) for (const e of ev.effects) if (e.op === 'count' && (FIELDS as readonly string[]).includes(e.field)) vals[`${e.obj}.${e.field}`] = e.to;
    return vals;
  };
  const fmt = (v: Record<string, unknown>) => ['mm#1.mm_users', 'mm#1.mm_count', 'file#1.f_count'].map((k) => `${k.split('.')[1]}=${String(v[k] ?? 0)}`).join(' ');
  const alive = r.objects.all().filter((o: ObjRecord) => o.alive && !HW_KINDS.includes(o.kind)).map((o) => o.id);
  return { exit: fmt(at(exitStep)), end: fmt(at(r.trace.length)), alive };
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('exit-with-mmap on pre-fix and fixed, side by side, with a trace report of each (npm start)')
    .option('--out <dir>', 'where the reports go', 'out')
    .action(async (o: { out: string }) => {
      outFolder('--out', o.out);
      const t0 = performance.now();
      const reports: string[] = [];
      const scenario = loadScenario('exit-with-mmap');
      console.log('svmsim: the seed\'s case — open the device, bind a PASID, mmap() the file, DMA that faults, exit without close()\n');
      // The report's chart renderer loads for the commands that draw (every CLI start would pay for it).
      const { writeReport } = await import('../../views/report.ts');
      for (const name of ['pre-fix', 'fixed']) {
        const v = variantByName(name);
        const r = await simulate({ scenario, variant: v, strategy: fifo(), transport: inlineTransport() });
        const c = countsAt(r);
        console.log(`== ${name}: ${v.description}`);
        console.log(`   after do_exit:    ${c.exit}`);
        console.log(`   at quiescence:    ${c.end}   (${r.steps} deliveries)`);
        console.log(`   still alive:      ${c.alive.length ? c.alive.join(', ') : 'nothing — every mm, pgd, page, vma, file, svm and PASID freed'}`);
        console.log(`   verdict:          ${r.violations.length ? r.violations.map((x) => `[${x.oracle}] ${x.message}`).join('\n                     ') : 'OK, no oracle fired'}\n`);
        const file = join(o.out, `report-${name}.html`);
        writeReport(file, { ...r, scenario, variant: v, strategy: 'fifo', transport: 'inline' });
        reports.push(file);
      }
      console.log(`reports (open in a browser, step through with the slider or the arrow keys):\n${reports.map((f) => `   ${resolve(f)}`).join('\n')}\n`);
      console.log(`done in ${((performance.now() - t0) / 1000).toFixed(2)} s — next: svmsim run --kernel pre-fix, svmsim explore --kernel fixed-no-fault-pin`);
    });
}
