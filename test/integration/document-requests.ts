/** The async-operations document's request bodies as written; only ids and receiver hosts are substituted. */

export function documentStart(datasetId: string, receiver: string) {
  return {
    operationType: 'ProcessMiningAnalysis',
    operationName: '包括的なカスタマージャーニー分析',
    operationDescription: '高度なMLアルゴリズムを用いた顧客インタラクションパターンの詳細分析',
    priority: 'High',
    parameters: {
      datasetId,
      analysisType: 'comprehensive',
      timeWindow: { startDate: '2024-01-01', endDate: '2024-01-31' },
      algorithmSettings: { useAdvancedML: true, enableAnomalyDetection: true, performanceOptimization: 'high_accuracy' },
      outputOptions: { generateReports: true, createVisualizations: true, exportFormats: ['PDF', 'CSV', 'JSON'] },
    },
    callbacks: { onProgress: `${receiver}/webhooks/progress`, onCompletion: `${receiver}/webhooks/completion`, onError: `${receiver}/webhooks/error` },
    notifications: { email: ['analyst@company.com', 'manager@company.com'], slack: { channel: '#process-mining', mentionUsers: ['@analyst', '@data-team'] } },
    timeout: 7200,
    retryPolicy: { maxRetries: 3, retryDelay: 300, backoffMultiplier: 2.0 },
  };
}

export function documentBatch(datasetId: string, receiver: string) {
  return {
    batchName: '月次プロセスマイニングパイプライン',
    batchDescription: '複数のデータセットを使った月次の完全分析ワークフロー',
    operations: [
      { operationName: 'データ準備', operationType: 'DataEnrichment', priority: 'High', operationKey: 'data-prep', parameters: { datasetId, cleaningRules: ['remove_duplicates', 'fix_timestamps'], outputFormat: 'processed_csv' } },
      { operationName: 'プロセス発見', operationType: 'ProcessMiningAnalysis', priority: 'High', operationKey: 'discovery', dependencies: ['data-prep'], parameters: { algorithm: 'alpha_miner_enhanced', enableVariantAnalysis: true } },
      { operationName: 'パフォーマンス分析', operationType: 'ProcessMiningAnalysis', priority: 'Normal', operationKey: 'performance', dependencies: ['discovery'], parameters: { enableBottleneckDetection: true, generateOptimizationRecommendations: true } },
    ],
    batchCallbacks: { onBatchStart: `${receiver}/webhooks/batch-start`, onOperationComplete: `${receiver}/webhooks/operation-complete`, onBatchComplete: `${receiver}/webhooks/batch-complete` },
    failurePolicy: { stopOnFirstFailure: false, continueIndependentOperations: true, retryFailedOperations: true },
  };
}

/** The second batch of the document (the JavaScript example), with a real dataset id. */
export function documentScriptBatch(datasetId: string) {
  return {
    batchName: '完全なプロセスマイニングパイプライン',
    batchDescription: 'データ準備と報告を含むエンドツーエンド分析',
    operations: [
      { operationName: 'データクリーニング', operationType: 'DataEnrichment', priority: 'High', operationKey: 'clean', parameters: { datasetId, cleaningRules: ['remove_duplicates', 'fix_timestamps', 'validate_activities'] } },
      { operationName: 'プロセス分析', operationType: 'ProcessMiningAnalysis', priority: 'High', operationKey: 'analyze', dependencies: ['clean'], parameters: { analysisType: 'comprehensive', enableML: true, generateInsights: true } },
      { operationName: 'レポート生成', operationType: 'ReportGeneration', priority: 'Normal', operationKey: 'report', dependencies: ['analyze'], parameters: { reportType: 'executive_summary', includeVisualizations: true, exportFormats: ['PDF', 'PowerPoint'] } },
    ],
    failurePolicy: { stopOnFirstFailure: false, continueIndependentOperations: true, retryFailedOperations: true },
  };
}
