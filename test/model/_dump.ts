import { run } from '/work/wt/h-tests/test/model/helpers.ts';
const [sc, k, seed] = process.argv.slice(2);
const r = await run(sc!, k!, seed === undefined ? undefined : Number(seed));
for (const e of r.trace) console.log(e.step, e.from, '->', e.to, e.event, JSON.stringify(e.args), '|', e.state, e.effects.length ? JSON.stringify(e.effects) : '');
console.log('violations', JSON.stringify(r.violations));
