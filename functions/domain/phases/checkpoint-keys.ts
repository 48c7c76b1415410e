/**
 * Phases hand their outputs to later phases through S3, so a phase can be re-run or
 * resumed without redoing the ones before it.
 */
export const checkpointKeys = {
  eventLog: 'checkpoints/event-log.bin',
  discovery: 'results/discovery.json',
  performance: 'results/performance.json',
  anomalies: 'results/anomalies.json',
  behaviour: 'results/behaviour.json',
  alphaNet: 'models/alpha-net.json',
  heuristicsNet: 'models/heuristics-petri-net.json',
  inductiveNet: 'models/inductive-petri-net.json',
  inductiveBpmn: 'models/inductive-bpmn.json',
  /** The alignments of the variants deviating from the Inductive net (`high_accuracy` only). */
  inductiveAlignments: 'models/inductive-alignments.json',
  /** The analysis's switches, so a report rendered later from it honours them. */
  switches: 'results/analysis-switches.json',
  results: 'results/results.json',
} as const;

/** Everything a job writes lives under its own prefix of its tenant's project. */
export const jobObjectKey = (job: { tenantId: string; projectId: string; jobId: string }, name: string): string =>
  `tenants/${job.tenantId}/projects/${job.projectId}/jobs/${job.jobId}/${name}`;
