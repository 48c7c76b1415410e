import { describe, expect, it } from 'vitest';
import { planBatch } from '../../../functions/domain/batch-planner.ts';
import { ValidationError } from '../../../functions/domain/errors.ts';
import { OperationFailure } from '../../../functions/domain/failures.ts';
import { analysisSwitchesOf, skippedWork } from '../../../functions/domain/phases/analysis-switches.ts';
import { noEventsLeft } from '../../../functions/domain/phases/data-loading.ts';
import { submitBatchBody } from '../../../functions/schemas/batch.ts';
import { startOperationBody } from '../../../functions/schemas/operation.ts';

const datasetId = '880e8400-e29b-41d4-a716-446655440000';
const analysis = (parameters: Record<string, unknown>) => ({ operationType: 'ProcessMiningAnalysis', operationName: 'a', parameters: { datasetId, ...parameters } });
const parametersOf = (parameters: Record<string, unknown>) => startOperationBody.parse(analysis(parameters)).parameters;
const issues = (body: unknown, schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } } = startOperationBody) =>
  (schema.safeParse(body).error?.issues ?? []).map((i) => ({ path: i.path.join('.'), message: i.message }));

/** The document's batch example, with a real dataset id, without the two fields not offered yet. */
const documentBatch = {
  batchName: '月次プロセスマイニングパイプライン',
  batchDescription: '複数のデータセットを使った月次の完全分析ワークフロー',
  operations: [
    { operationName: 'データ準備', operationType: 'DataEnrichment', priority: 'High', operationKey: 'data-prep', parameters: { datasetId, cleaningRules: ['remove_duplicates', 'fix_timestamps'], outputFormat: 'processed_csv' } },
    { operationName: 'プロセス発見', operationType: 'ProcessMiningAnalysis', priority: 'High', operationKey: 'discovery', dependencies: ['data-prep'], parameters: { algorithm: 'alpha_miner_enhanced', enableVariantAnalysis: true } },
    { operationName: 'パフォーマンス分析', operationType: 'ProcessMiningAnalysis', priority: 'Normal', operationKey: 'performance', dependencies: ['discovery'], parameters: { enableBottleneckDetection: true, generateOptimizationRecommendations: true } },
  ],
  failurePolicy: { stopOnFirstFailure: false, continueIndependentOperations: true },
};

describe('analysis parameters', () => {
  it('resolves the documented switches with their defaults', () => {
    expect(analysisSwitchesOf(parametersOf({}))).toEqual({
      algorithm: 'inductive',
      primaryModel: 'inductive',
      noiseThreshold: 0,
      variantAnalysis: true,
      bottleneckDetection: true,
      anomalyDetection: true,
      predictions: true,
      insights: true,
      optimizationRecommendations: true,
      performanceOptimization: 'balanced',
      replay: { mode: 'all' },
      alignments: false,
    });
    expect(analysisSwitchesOf(parametersOf({ algorithm: 'inductive_infrequent' }))).toMatchObject({ primaryModel: 'inductive', noiseThreshold: 0.2 });
    expect(analysisSwitchesOf(parametersOf({ algorithm: 'inductive_infrequent', noiseThreshold: 0.5 }))).toMatchObject({ noiseThreshold: 0.5 });
    expect(analysisSwitchesOf(parametersOf({ algorithm: 'alpha_miner_enhanced' }))).toMatchObject({ primaryModel: 'alpha', noiseThreshold: 0 });
    expect(analysisSwitchesOf(parametersOf({ algorithm: 'heuristics' }))).toMatchObject({ primaryModel: 'heuristics' });
    expect(analysisSwitchesOf(parametersOf({ algorithmSettings: { performanceOptimization: 'high_throughput' } })).replay).toEqual({ mode: 'sample', coverage: 0.8, maxVariants: 100 });
    // Only high_accuracy aligns; balanced, the default, does no alignment work.
    expect(analysisSwitchesOf(parametersOf({ algorithmSettings: { performanceOptimization: 'high_accuracy' } })).alignments).toBe(true);
    expect(analysisSwitchesOf(parametersOf({ algorithmSettings: { performanceOptimization: 'high_throughput' } })).alignments).toBe(false);
    expect(analysisSwitchesOf(parametersOf({ enableML: false })).predictions).toBe(false);
    expect(analysisSwitchesOf(parametersOf({ algorithmSettings: { useAdvancedML: false } })).predictions).toBe(false);
  });

  it('names the parameter that turned work off', () => {
    const parameters = parametersOf({ enableML: false, enableBottleneckDetection: false, enableVariantAnalysis: false, generateInsights: false, algorithmSettings: { enableAnomalyDetection: false } });
    const skipped = skippedWork(parameters, analysisSwitchesOf(parameters));
    expect(skipped.machineLearning.map((s) => [s.work, s.parameter])).toEqual([
      ['anomalyDetection', 'algorithmSettings.enableAnomalyDetection'],
      ['predictions', 'enableML'],
    ]);
    expect(skipped.performance.map((s) => s.parameter)).toEqual(['enableBottleneckDetection']);
    expect(skipped.discovery.map((s) => s.parameter)).toEqual(['enableVariantAnalysis']);
    expect(skipped.report.map((s) => s.parameter)).toEqual(['generateInsights']);
  });

  it('refuses unknown parameters, misplaced noise thresholds and contradicting ML switches by name', () => {
    expect(issues(analysis({ algorithm: 'alpha_plus' }))[0]?.path).toBe('parameters.algorithm');
    expect(issues(analysis({ enableFoo: true }))[0]?.message).toMatch(/enableFoo/);
    expect(issues(analysis({ noiseThreshold: 0.3 }))).toEqual([{ path: 'parameters.noiseThreshold', message: 'applies only with algorithm "inductive_infrequent"' }]);
    expect(issues(analysis({ enableML: false, algorithmSettings: { useAdvancedML: true } }))).toEqual([
      { path: 'parameters.enableML', message: 'contradicts algorithmSettings.useAdvancedML; give one of them' },
    ]);
    expect(issues(analysis({ enableML: true, algorithmSettings: { useAdvancedML: true } }))).toEqual([]);
  });

  it("plans the document's batch: the second analysis analyses the first one's data", () => {
    const plan = planBatch(submitBatchBody.parse(documentBatch));
    expect(plan.map((p) => [p.operationKey, p.datasetFrom ?? null])).toEqual([
      ['data-prep', null],
      ['discovery', 'data-prep'],
      ['performance', 'data-prep'],
    ]);
    expect(plan[1]!.request.parameters).toMatchObject({ algorithm: 'alpha_miner_enhanced', enableVariantAnalysis: true });
    expect(plan[2]!.request.parameters).toMatchObject({ enableBottleneckDetection: true, generateOptimizationRecommendations: true });
    // With a concrete dataset the dependent analysis takes that id.
    const direct: { operations: { operationKey: string; dependencies?: string[]; parameters: Record<string, unknown> }[] } = structuredClone(documentBatch);
    direct.operations = direct.operations.slice(1).map((op) => ({ ...op, dependencies: op.operationKey === 'discovery' ? [] : op.dependencies }));
    direct.operations[0]!.parameters.datasetId = datasetId;
    const second = planBatch(submitBatchBody.parse(direct)).find((p) => p.operationKey === 'performance')!;
    expect(second.datasetFrom).toBeUndefined();
    expect(second.request.parameters).toMatchObject({ datasetId });
  });

  it('accepts batchCallbacks and retryFailedOperations: true; retries give each operation without a policy one retry', () => {
    const body = {
      ...documentBatch,
      batchCallbacks: { onBatchStart: 'https://receiver.test/start', onOperationComplete: 'https://receiver.test/op', onBatchComplete: 'https://receiver.test/done' },
      failurePolicy: { ...documentBatch.failurePolicy, retryFailedOperations: true },
    };
    expect(issues(body, submitBatchBody)).toEqual([]);
    expect(issues({ ...body, batchCallbacks: { onBatchEnd: 'https://receiver.test/x' } }, submitBatchBody)).toEqual([{ path: 'batchCallbacks', message: expect.any(String) }]);
    const withOwn = structuredClone(body) as typeof body & { operations: { retryPolicy?: unknown }[] };
    withOwn.operations[0]!.retryPolicy = { maxRetries: 3, retryDelay: 60 };
    const plan = planBatch(submitBatchBody.parse(withOwn));
    expect(plan.find((p) => p.operationKey === 'data-prep')!.request.retryPolicy).toEqual({ maxRetries: 3, retryDelay: 60, backoffMultiplier: 1 });
    expect(plan.find((p) => p.operationKey === 'discovery')!.request.retryPolicy).toEqual({ maxRetries: 1, retryDelay: 10, backoffMultiplier: 1 });
    const without = planBatch(submitBatchBody.parse({ ...body, failurePolicy: { ...body.failurePolicy, retryFailedOperations: false } }));
    expect(without.every((p) => p.request.retryPolicy === undefined)).toBe(true);
  });

  it('a batch analysis without dataset and without a dependency to take one from is refused', () => {
    const body = { batchName: 'b', operations: [{ operationKey: 'a', operationName: 'a', operationType: 'ProcessMiningAnalysis', parameters: { algorithm: 'heuristics' } }] };
    expect(() => planBatch(submitBatchBody.parse(body))).toThrow(ValidationError);
  });
});

describe('empty logs fail with a documented code', () => {
  const validation = (v: Partial<{ recordsLoaded: number; errorRecords: number; outsideTimeWindow: number }>) => ({ recordsLoaded: 10, errorRecords: 0, outsideTimeWindow: 0, ...v });
  const failure = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      return error as OperationFailure;
    }
    return null;
  };

  it('names the window that left nothing', () => {
    const error = failure(() => noEventsLeft(0, validation({ outsideTimeWindow: 10 }), { startDate: '2024-01-01', endDate: '2024-01-31' }));
    expect(error).toBeInstanceOf(OperationFailure);
    expect(error).toMatchObject({ code: 'NoEventsInWindow', name: 'NoEventsInWindow' });
    expect(error!.message).toContain('2024-01-01 to 2024-01-31');
    expect(error!.message).toContain('10 of 10 records are outside it');
  });

  it('says when validation dropped everything, and passes a log with events', () => {
    expect(failure(() => noEventsLeft(0, validation({ errorRecords: 10 }), undefined))).toMatchObject({ code: 'NoEventsAfterCleaning' });
    expect(failure(() => noEventsLeft(0, validation({ recordsLoaded: 0 }), undefined))).toMatchObject({ code: 'DatasetInvalid' });
    expect(failure(() => noEventsLeft(3, validation({ outsideTimeWindow: 7 }), { startDate: '2024-01-01' }))).toBeNull();
  });
});
