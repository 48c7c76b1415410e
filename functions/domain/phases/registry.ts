import type { PhaseId } from '../operation-types.ts';
import type { PhaseWork } from '../phase-runner.ts';
import { dataCleaning } from './data-cleaning.ts';
import { dataLoadingValidation } from './data-loading.ts';
import { datasetExport } from './dataset-export.ts';
import { machineLearningAnalysis } from './machine-learning.ts';
import { performanceAnalysis } from './performance-analysis.ts';
import { processDiscovery } from './process-discovery.ts';

/**
 * The report phases' modules (and with them pdfkit, the fonts, Graphviz's WASM and pptxgenjs) are loaded when such a
 * phase first runs, so every other phase starts without evaluating them.
 */
function onFirstRun(load: () => Promise<PhaseWork>): PhaseWork {
  let work: Promise<PhaseWork> | undefined;
  return async (context) => (await (work ??= load()))(context);
}

export const phaseWork: Record<PhaseId, PhaseWork> = {
  DataLoadingValidation: dataLoadingValidation,
  ProcessDiscovery: processDiscovery,
  PerformanceAnalysis: performanceAnalysis,
  MachineLearningAnalysis: machineLearningAnalysis,
  ReportGeneration: onFirstRun(async () => (await import('./report-generation.ts')).reportGeneration),
  DataCleaning: dataCleaning,
  DatasetExport: datasetExport,
  ResultsLoading: onFirstRun(async () => (await import('./report-rendering.ts')).resultsLoading),
  ReportRendering: onFirstRun(async () => (await import('./report-rendering.ts')).reportRendering),
};
