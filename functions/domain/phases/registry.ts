import type { PhaseId } from '../operation-types.ts';
import type { PhaseWork } from '../phase-runner.ts';
import { dataCleaning } from './data-cleaning.ts';
import { dataLoadingValidation } from './data-loading.ts';
import { datasetExport } from './dataset-export.ts';
import { machineLearningAnalysis } from './machine-learning.ts';
import { performanceAnalysis } from './performance-analysis.ts';
import { processDiscovery } from './process-discovery.ts';
import { reportGeneration } from './report-generation.ts';
import { reportRendering, resultsLoading } from './report-rendering.ts';

export const phaseWork: Record<PhaseId, PhaseWork> = {
  DataLoadingValidation: dataLoadingValidation,
  ProcessDiscovery: processDiscovery,
  PerformanceAnalysis: performanceAnalysis,
  MachineLearningAnalysis: machineLearningAnalysis,
  ReportGeneration: reportGeneration,
  DataCleaning: dataCleaning,
  DatasetExport: datasetExport,
  ResultsLoading: resultsLoading,
  ReportRendering: reportRendering,
};
