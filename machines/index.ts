// The machines, by actor kind. A world (src/scenario/world.ts) names one kind per actor.
import type { AnyStateMachine } from 'xstate';
import { dmaMachine } from './dma.ts';
import { faultHandlerMachine } from './fault-handler.ts';
import { fileMachine } from './file.ts';
import { filesMachine } from './files.ts';
import { injectorMachine } from './injector.ts';
import { iommuMachine } from './iommu.ts';
import { mmMachine } from './mm.ts';
import { processMachine } from './process.ts';
import { srcuMachine } from './srcu.ts';
import { svmMachine } from './svm.ts';
import { vmaMachine } from './vma.ts';

export const machines: Record<string, AnyStateMachine> = {
  process: processMachine,
  mm: mmMachine,
  file: fileMachine,
  files: filesMachine,
  vma: vmaMachine,
  svm: svmMachine,
  srcu: srcuMachine,
  faultHandler: faultHandlerMachine,
  iommu: iommuMachine,
  dma: dmaMachine,
  injector: injectorMachine,
};
export const KINDS = Object.keys(machines);
