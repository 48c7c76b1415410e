/**
 * Operation types and the phases each one runs. A phase's `name` is also the name of its
 * Task state in the operation's ASL file (a unit test holds the two together).
 */

export const operationTypes = ['ProcessMiningAnalysis', 'DataEnrichment', 'ReportGeneration'] as const;
export type OperationType = (typeof operationTypes)[number];

export const phaseIds = [
  'DataLoadingValidation',
  'ProcessDiscovery',
  'PerformanceAnalysis',
  'MachineLearningAnalysis',
  'ReportGeneration',
  'DataCleaning',
  'DatasetExport',
  'ResultsLoading',
  'ReportRendering',
] as const;
export type PhaseId = (typeof phaseIds)[number];

export interface PhaseDefinition {
  id: PhaseId;
  /** Display name, used as the state name and as `currentPhase` / `stageName` in the API. */
  name: string;
  /** The engine component that logs for this phase. */
  component: string;
}

const phase = (id: PhaseId, name: string, component: string): PhaseDefinition => ({ id, name, component });

export const phasesByOperationType: Record<OperationType, readonly PhaseDefinition[]> = {
  ProcessMiningAnalysis: [
    phase('DataLoadingValidation', 'Data Loading & Validation', 'DataLoader'),
    phase('ProcessDiscovery', 'Process Discovery', 'ProcessMiner'),
    phase('PerformanceAnalysis', 'Performance Analysis', 'PerformanceAnalyzer'),
    phase('MachineLearningAnalysis', 'Machine Learning Analysis', 'AnalyticsEngine'),
    phase('ReportGeneration', 'Report Generation', 'ReportGenerator'),
  ],
  DataEnrichment: [
    phase('DataLoadingValidation', 'Data Loading & Validation', 'DataLoader'),
    phase('DataCleaning', 'Data Cleaning', 'DataCleaner'),
    phase('DatasetExport', 'Dataset Export', 'DatasetExporter'),
  ],
  ReportGeneration: [
    phase('ResultsLoading', 'Results Loading', 'ResultsLoader'),
    phase('ReportRendering', 'Report Rendering', 'ReportGenerator'),
  ],
};

export function phaseOf(operationType: OperationType, id: PhaseId): PhaseDefinition {
  const found = phasesByOperationType[operationType].find((p) => p.id === id);
  if (!found) throw new Error(`${operationType} has no phase ${id}`);
  return found;
}
