import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/domain/errors.ts';
import { parseInput } from '../../../functions/middleware/validation.ts';
import { listOperationsQuery, startOperationBody } from '../../../functions/schemas/operation.ts';

const datasetId = '880e8400-e29b-41d4-a716-446655440000';

function fieldsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.invalidFields.map((f) => f.name);
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('startOperationBody', () => {
  it('fills the documented defaults', () => {
    const body = parseInput(startOperationBody, { operationType: 'ProcessMiningAnalysis', operationName: 'x', parameters: { datasetId } }, 'body');
    expect(body).toMatchObject({ priority: 'Normal', timeout: 3600, parameters: { analysisType: 'comprehensive' } });
  });

  it('accepts the spec example request', () => {
    const example = {
      operationType: 'ProcessMiningAnalysis',
      operationName: '包括的なカスタマージャーニー分析',
      operationDescription: '説明',
      priority: 'High',
      parameters: {
        datasetId,
        analysisType: 'comprehensive',
        timeWindow: { startDate: '2024-01-01', endDate: '2024-01-31' },
        algorithmSettings: { useAdvancedML: true, enableAnomalyDetection: true, performanceOptimization: 'high_accuracy' },
        outputOptions: { generateReports: true, createVisualizations: true, exportFormats: ['PDF', 'CSV', 'JSON'] },
      },
      callbacks: { onProgress: 'https://your-app.com/webhooks/progress', onCompletion: 'https://your-app.com/webhooks/completion', onError: 'https://your-app.com/webhooks/error' },
      notifications: { email: ['analyst@company.com'], slack: { channel: '#process-mining', mentionUsers: ['@analyst'] } },
      timeout: 7200,
      retryPolicy: { maxRetries: 3, retryDelay: 300, backoffMultiplier: 2.0 },
    };
    expect(() => parseInput(startOperationBody, example, 'body')).not.toThrow();
  });

  it('names nested and unknown fields', () => {
    const fields = fieldsOf(() =>
      parseInput(
        startOperationBody,
        { operationType: 'DataEnrichment', operationName: '', parameters: { datasetId, cleaningRules: ['polish'] }, callbacks: { onError: 'http://plain' }, colour: 1 },
        'body',
      ),
    );
    expect(fields.sort()).toEqual(['body.callbacks.onError', 'body.colour', 'body.operationName', 'body.parameters.cleaningRules.0']);
  });

  it('rejects a time window that ends before it starts', () => {
    const fields = fieldsOf(() =>
      parseInput(startOperationBody, { operationType: 'ProcessMiningAnalysis', operationName: 'x', parameters: { datasetId, timeWindow: { startDate: '2024-02-01', endDate: '2024-01-01' } } }, 'body'),
    );
    expect(fields).toEqual(['body.parameters.timeWindow.endDate']);
  });
});

describe('listOperationsQuery', () => {
  it('coerces paging and booleans from the query string', () => {
    expect(parseInput(listOperationsQuery, { page: '2', pageSize: '100', includeDetails: 'true' }, 'query')).toMatchObject({ page: 2, pageSize: 100, includeDetails: true });
  });

  it('caps pageSize at 100', () => {
    expect(fieldsOf(() => parseInput(listOperationsQuery, { pageSize: '101' }, 'query'))).toEqual(['query.pageSize']);
  });
});
