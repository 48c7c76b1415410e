import type { ArtifactRecord } from '../records.ts';
import type { PhaseContext } from '../phase-runner.ts';
import type { AnalysisDocuments, RenderedArtifact } from '../../mining/analysis/analysis-report.ts';
import { checkpointKeys } from './checkpoint-keys.ts';
import { loadJson } from './checkpoints.ts';

/** The documents an analysis stores under its job, in the order later stages read them. */
export const analysisDocuments = [
  checkpointKeys.discovery,
  checkpointKeys.performance,
  checkpointKeys.behaviour,
  checkpointKeys.anomalies,
  checkpointKeys.alphaNet,
  checkpointKeys.heuristicsNet,
  checkpointKeys.inductiveNet,
  checkpointKeys.inductiveBpmn,
  checkpointKeys.switches,
] as const;

async function optional<T>(context: PhaseContext, name: string): Promise<T | null> {
  return (await context.objects.head(context.jobObjectKey(name))) ? loadJson<T>(context, name) : null;
}

export async function loadAnalysisDocuments(context: PhaseContext): Promise<AnalysisDocuments> {
  const [discovery, performance, behaviour, anomalies, alphaNet, heuristicsNet, inductiveNet, inductiveBpmn, switches] = await Promise.all([
    loadJson<AnalysisDocuments['discovery']>(context, checkpointKeys.discovery),
    loadJson<AnalysisDocuments['performance']>(context, checkpointKeys.performance),
    optional<AnalysisDocuments['behaviour']>(context, checkpointKeys.behaviour),
    optional<AnalysisDocuments['anomalies']>(context, checkpointKeys.anomalies),
    loadJson<AnalysisDocuments['alphaNet']>(context, checkpointKeys.alphaNet),
    loadJson<AnalysisDocuments['heuristicsNet']>(context, checkpointKeys.heuristicsNet),
    // Analyses stored before the Inductive Miner existed have neither.
    optional<NonNullable<AnalysisDocuments['inductiveNet']>>(context, checkpointKeys.inductiveNet),
    optional<NonNullable<AnalysisDocuments['inductiveBpmn']>>(context, checkpointKeys.inductiveBpmn),
    optional<NonNullable<AnalysisDocuments['switches']>>(context, checkpointKeys.switches),
  ]);
  return { discovery, performance, behaviour, anomalies, alphaNet, heuristicsNet, inductiveNet, inductiveBpmn, switches };
}

/** Stores rendered reports under the job and describes them as artifacts. */
export async function storeArtifacts(context: PhaseContext, rendered: readonly RenderedArtifact[]): Promise<ArtifactRecord[]> {
  const artifacts: ArtifactRecord[] = [];
  for (const { body, file, ...artifact } of rendered) {
    const key = context.jobObjectKey(file);
    await context.objects.write(key, body, artifact.contentType);
    artifacts.push({ ...artifact, key, sizeBytes: typeof body === 'string' ? Buffer.byteLength(body) : body.length });
    context.log('INFO', `Generated ${artifact.format} artifact`, { name: artifact.name, file });
  }
  return artifacts;
}
