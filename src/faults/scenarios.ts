// The built-in scenarios that exist to show what a fault (or a DMA the kernel refuses) finds: on
// `fixed` they fire oracles by design (README "What exploration finds with faults"), so the
// "no oracle fires on fixed" checks leave them out; test/faults covers them.
export const FAULT_SCENARIOS = ['fault-timeout-reuse', 'fault-stop-slow', 'fault-response-lost', 'fault-response-dup', 'fault-retry-forever', 'fault-refused-dma'];
export const isFaultScenario = (name: string): boolean => FAULT_SCENARIOS.includes(name);
