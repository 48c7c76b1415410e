import { z } from 'zod';
import { logLevels } from './job.ts';
import { estimate, operationStatus, operationType, priority, timestamp } from './responses.ts';

/**
 * The answers of the job-tracking routes (`execution/job/{jobId}/…`, `execution/tracking/batch`), served from what
 * the phases recorded. Loose, as in responses.ts. Figures that were not measured are null, never invented.
 */

const phaseStatus = z.enum(['Pending', 'Running', 'Completed', 'Failed', 'Cancelled', 'Timeout']);
const nullableNumber = z.number().nullable();
/** Free-form details a log entry, event or phase recorded. */
const details = z.record(z.string(), z.unknown());
const rate = z.string().nullable();

const logEntry = z
  .object({ timestamp, level: z.enum(logLevels), component: z.string(), stage: z.string(), message: z.string(), details: details.optional() })
  .loose();

/** `GET execution/job/{jobId}/logs`: entries as objects, or as lines with `format=raw`. */
export const jobLogs = z
  .object({
    jobId: z.string(),
    jobName: z.string(),
    jobStatus: operationStatus,
    logsSummary: z
      .object({
        totalEntries: z.number().int(),
        debugEntries: z.number().int(),
        infoEntries: z.number().int(),
        warnEntries: z.number().int(),
        errorEntries: z.number().int(),
        returnedEntries: z.number().int(),
        timeRange: z.object({ startTime: timestamp, endTime: timestamp }).nullable(),
      })
      .loose(),
    logs: z.union([z.array(logEntry), z.array(z.string())]),
    executionMetrics: z
      .object({
        currentStage: z.string().nullable(),
        stageProgress: nullableNumber,
        overallProgress: z.number().min(0).max(100),
        processingRate: rate,
        memoryUsage: z.string().nullable(),
        cpuUsage: nullableNumber,
        estimatedCompletion: estimate,
      })
      .loose(),
  })
  .loose();

const stage = z
  .object({
    stageName: z.string(),
    stageId: z.string(),
    stageOrder: z.number().int(),
    status: phaseStatus,
    progress: z.number().min(0).max(100),
    startTime: timestamp.optional(),
    endTime: timestamp.optional(),
    duration: z.string().optional(),
    durationMs: z.number().optional(),
    estimatedStartTime: timestamp.nullable().optional(),
    estimatedEndTime: timestamp.nullable().optional(),
    recordsProcessed: z.number().optional(),
    totalRecords: z.number().optional(),
    metrics: details.optional(),
    resources: details.optional(),
  })
  .loose();

/** The latest resource sample, formatted. */
const resourceUsage = z
  .object({
    cpuUsage: z.number(),
    memoryUsage: z.string(),
    memoryLimit: z.string().nullable(),
    diskUsage: z.string(),
    networkIO: z.string(),
    sampledAt: timestamp,
  })
  .loose();

/** `GET execution/job/{jobId}/progress`. */
export const jobProgress = z
  .object({
    jobId: z.string(),
    jobName: z.string(),
    status: operationStatus,
    overallProgress: z
      .object({
        percentage: z.number().min(0).max(100),
        startTime: timestamp.nullable(),
        elapsedTime: z.string().optional(),
        endTime: timestamp.optional(),
        estimatedRemaining: estimate,
        estimatedCompletion: estimate,
      })
      .loose(),
    stages: z.array(stage),
    currentActivity: z.object({ component: z.string(), operation: z.string(), details: details.nullable() }).loose().nullable(),
    resourceUsage: resourceUsage.extend({ processingRate: rate }).nullable(),
    qualityMetrics: z
      .object({
        dataQualityScore: nullableNumber,
        stagesCompleted: z.number().int(),
        stagesFailed: z.number().int(),
        warningsGenerated: z.number().int(),
        errorsEncountered: z.number().int(),
        milestonesReached: z.number().int(),
      })
      .loose(),
  })
  .loose();

const timelineEventType = z.enum(['JobStarted', 'StageStarted', 'StageCompleted', 'StageFailed', 'Milestone', 'Progress', 'Warning', 'Error', 'JobCompleted', 'JobFailed', 'JobCancelled']);

/** `GET execution/job/{jobId}/timeline`. */
export const jobTimeline = z
  .object({
    jobId: z.string(),
    jobName: z.string(),
    timelineScope: z
      .object({ startTime: timestamp.nullable(), currentTime: timestamp, endTime: timestamp.nullable(), granularity: z.enum(['seconds', 'minutes', 'major_events']) })
      .loose(),
    /** With `seconds` or `minutes`, `timestamp` is truncated to the unit and `exactTimestamp` is the instant. */
    timeline: z.array(z.object({ timestamp, eventType: timelineEventType, description: z.string(), details: details.optional(), exactTimestamp: timestamp.optional() }).loose()),
    upcomingEvents: z.array(z.object({ estimatedTime: timestamp.nullable(), eventType: z.enum(['StageStart', 'StageCompletion', 'JobCompletion']), description: z.string() }).loose()),
    estimateBasis: z.string().nullable().optional(),
  })
  .loose();

const trend = z.string().nullable();

/** `GET execution/job/{jobId}/metrics`: `resourceUtilization` holds the metrics asked for; unmeasured figures are null. */
export const jobMetrics = z
  .object({
    jobId: z.string(),
    metricsCollectionTime: timestamp.nullable(),
    interval: z.enum(['1m', '5m', '15m']),
    currentMetrics: z
      .object({
        resourceUtilization: z
          .object({
            cpu: z.object({ usage: nullableNumber, cores: nullableNumber, efficiency: nullableNumber }).loose(),
            memory: z
              .object({
                used: z.string().nullable(),
                usedBytes: nullableNumber,
                allocated: z.string(),
                allocatedBytes: z.number(),
                peak: z.string().nullable(),
                peakBytes: nullableNumber,
                efficiency: nullableNumber,
              })
              .loose(),
            disk: z.object({ reads: z.string().nullable(), writes: z.string().nullable(), iops: nullableNumber, latency: z.string().nullable() }).loose(),
            network: z.object({ bytesIn: z.string().nullable(), bytesOut: z.string().nullable(), requests: nullableNumber, connections: nullableNumber }).loose(),
          })
          .partial()
          .loose()
          .nullable(),
        processing: z
          .object({
            recordsPerSecond: nullableNumber,
            recordsProcessed: z.number(),
            totalRecords: nullableNumber,
            processingEfficiency: nullableNumber,
            errorRate: nullableNumber,
            retryRate: nullableNumber,
          })
          .loose()
          .optional(),
        stages: z
          .object({
            completed: z.number().int(),
            running: z.number().int(),
            pending: z.number().int(),
            failed: z.number().int(),
            averageStageTime: z.string().nullable(),
            stageEfficiency: nullableNumber,
          })
          .loose(),
      })
      .loose(),
    /** `includeHistory=true`: one entry per interval, with the metrics asked for. */
    historicalMetrics: z
      .array(
        z
          .object({
            timestamp,
            samples: z.number().int(),
            stage: z.string(),
            cpu: z.number().optional(),
            memory: z.number().optional(),
            memoryBytes: z.number().optional(),
            diskReadBytes: z.number().optional(),
            diskWriteBytes: z.number().optional(),
            networkInBytes: z.number().optional(),
            networkOutBytes: nullableNumber.optional(),
            recordsProcessed: z.number().optional(),
            recordsPerSecond: z.number().optional(),
          })
          .loose(),
      )
      .optional(),
    performanceTrends: z
      .object({ cpuTrend: trend, memoryTrend: trend, throughputTrend: trend, overallEfficiency: z.enum(['Good', 'Fair', 'Poor']).nullable(), predictionAccuracy: nullableNumber })
      .loose(),
    benchmarks: z
      .object({
        jobType: operationType,
        comparedJobs: z.number().int(),
        averageJobDuration: z.string().nullable(),
        averageThroughput: z.string().nullable(),
        currentPerformanceRank: z.string().nullable(),
        similarJobsComparison: z.object({ fasterThan: z.number().int(), similarTo: z.number().int(), slowerThan: z.number().int() }).loose(),
      })
      .loose(),
  })
  .loose();

/** `GET execution/job/{jobId}/dependencies`: what the job builds on and what builds on it. */
export const jobDependencies = z
  .object({
    jobId: z.string(),
    dependencies: z
      .object({
        prerequisiteJobs: z.array(
          z.object({ jobId: z.string(), jobName: z.string(), operationId: z.string(), status: operationStatus, completedAt: timestamp.nullable(), dependency: z.string() }).loose(),
        ),
        /** The dataset (when the job reads one) and the function that runs its phases. */
        resourceDependencies: z.array(z.object({ resourceType: z.string(), resourceId: z.string(), status: z.string() }).loose()),
        dependentJobs: z.array(
          z.object({ jobId: z.string(), jobName: z.string(), operationId: z.string(), status: operationStatus, waitingFor: z.string(), relation: z.string() }).loose(),
        ),
      })
      .loose(),
    blockingConditions: z.array(
      z
        .object({ condition: z.string(), status: z.enum(['Active', 'Resolved']), resolvedAt: timestamp.nullable().optional(), resolution: z.string().optional(), details: details.optional() })
        .loose(),
    ),
    dependencyGraph: z
      .object({
        nodes: z.array(z.object({ id: z.string(), type: z.enum(['PrerequisiteJob', 'CurrentJob', 'DependentJob']), status: operationStatus }).loose()),
        edges: z.array(z.object({ from: z.string(), to: z.string(), type: z.enum(['prerequisite', 'dependency']) }).loose()),
      })
      .loose(),
  })
  .loose();

/** `GET execution/tracking/batch`: several jobs at once, for dashboards. */
export const trackedJobs = z
  .object({
    trackingTime: timestamp,
    jobCount: z.number().int(),
    summary: z
      .object({ running: z.number().int(), queued: z.number().int(), completed: z.number().int(), failed: z.number().int(), cancelled: z.number().int(), timeout: z.number().int() })
      .loose(),
    jobs: z.array(
      z
        .object({
          jobId: z.string(),
          jobName: z.string(),
          operationId: z.string(),
          status: operationStatus,
          progress: z.number().min(0).max(100),
          startTime: timestamp.nullable(),
          endTime: timestamp.optional(),
          /** Queued jobs: their place in the admission order (null when waiting for batch dependencies) and why they wait. */
          queuePosition: z.number().int().nullable().optional(),
          waitingFor: z.enum(['capacity', 'dependencies']).optional(),
          estimatedStartTime: timestamp.nullable().optional(),
          estimatedCompletion: estimate,
          currentStage: z.string().nullable(),
          submittedBy: z.string(),
          priority,
          /** `includeMetrics=true`: null before the first sample. */
          resourceUsage: z.object({ cpu: z.number(), memory: z.string(), processingRate: rate }).loose().nullable().optional(),
        })
        .loose(),
    ),
    /** Requested `jobIds` that are not jobs of this project. */
    notFound: z.array(z.string()),
    systemHealth: z
      .object({
        overallLoad: nullableNumber,
        activeOperations: z.number().int(),
        activeLimit: z.number().int().nullable(),
        queuedForCapacity: z.number().int(),
        queueHealth: z.enum(['Good', 'Fair', 'Poor']),
        medianQueueWaitMs: nullableNumber,
        longestCurrentWaitMs: z.number(),
        resourceAvailability: z.enum(['High', 'Medium', 'Low']),
        estimatedCapacity: z.string(),
        estimatedCapacityJobs: z.number().int().nullable(),
      })
      .loose(),
    nextToken: z.string().nullable(),
    refreshInterval: z.number().int().optional(),
    nextRefreshAt: timestamp.optional(),
  })
  .loose();
