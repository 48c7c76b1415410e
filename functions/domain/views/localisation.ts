import { phasesByOperationType, type PhaseId } from '../operation-types.ts';
import type { TimelineEvent } from '../records.ts';

export type Language = 'en' | 'ja';

/** The request's Accept-Language, whatever the letter case of the header name. */
export function requestLanguage(headers: Record<string, string | undefined> | null | undefined): Language {
  const name = Object.keys(headers ?? {}).find((key) => key.toLowerCase() === 'accept-language');
  return languageOf(name ? headers![name] : undefined);
}

/** `ja` when the request's Accept-Language prefers Japanese over English; English otherwise. */
export function languageOf(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return 'en';
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.trim(), q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((r) => r.q > 0 && (r.tag === 'ja' || r.tag.startsWith('ja-') || r.tag === 'en' || r.tag.startsWith('en-')))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked[0]?.tag.startsWith('ja') ? 'ja' : 'en';
}

/** The documents' Japanese names (002: phases of an analysis; 000: stages); the others in the same style. */
export const japanesePhaseNames: Record<PhaseId, string> = {
  DataLoadingValidation: 'データの読み込みと検証',
  ProcessDiscovery: 'プロセス発見',
  PerformanceAnalysis: 'パフォーマンス分析',
  MachineLearningAnalysis: '機械学習分析',
  ReportGeneration: 'レポート生成',
  DataCleaning: 'データクレンジング',
  DatasetExport: 'データセットのエクスポート',
  ResultsLoading: '結果の読み込み',
  ReportRendering: 'レポートのレンダリング',
};

/** The job-tracking document (000) names two stages differently; both spellings are accepted. */
const japaneseAliases: Record<string, PhaseId> = { データローディング: 'DataLoadingValidation', プロセスディスカバリー: 'ProcessDiscovery' };

const idByEnglishName = new Map(Object.values(phasesByOperationType).flatMap((phases) => phases.map((p) => [p.name, p.id] as const)));

/** The phase named `name` (English display name, Japanese name or id, any letter case for the id and English name). */
export function phaseIdOf(name: string): PhaseId | undefined {
  const wanted = name.trim();
  if (japaneseAliases[wanted]) return japaneseAliases[wanted];
  for (const phases of Object.values(phasesByOperationType)) {
    const found = phases.find((p) => p.id.toLowerCase() === wanted.toLowerCase() || p.name.toLowerCase() === wanted.toLowerCase() || japanesePhaseNames[p.id] === wanted);
    if (found) return found.id;
  }
  return undefined;
}

export function phaseName(name: string | null, language: Language): string | null {
  if (name === null || language === 'en') return name;
  const id = idByEnglishName.get(name);
  return id ? japanesePhaseNames[id] : name;
}

/** Milestones the phases record, in Japanese. */
const japaneseMilestones: Record<string, string> = {
  'Event log loaded': 'イベントログ読み込み完了',
  'Process model discovered': 'プロセスモデル発見',
  'Conformance checked': '適合性チェック完了',
  'Reports generated': 'レポート生成完了',
  'Processed dataset registered': '処理済みデータセット登録',
};

const jobDescriptions: Partial<Record<TimelineEvent['eventType'], string>> = {
  JobStarted: 'ジョブ実行開始',
  JobCompleted: 'ジョブ完了',
  JobFailed: 'ジョブ失敗',
  JobCancelled: 'ジョブ取り消し',
};

/** An event's description in the language asked for; the English one is what was recorded. */
export function eventDescription(event: TimelineEvent, language: Language): string {
  if (language === 'en') return event.description;
  const stage = typeof event.details?.stageName === 'string' ? phaseName(event.details.stageName, 'ja') : null;
  switch (event.eventType) {
    case 'StageStarted':
      return `${stage}ステージ開始`;
    case 'StageCompleted':
      return `${stage}ステージ完了`;
    case 'StageFailed':
      return `${stage}ステージ失敗`;
    case 'Progress':
      return `${event.details?.scope === 'job' ? 'ジョブ' : `${stage} `}${String(event.details?.progress)}% 完了`;
    case 'Milestone':
      return japaneseMilestones[event.description] ?? event.description;
    case 'Warning':
      return `警告: ${event.description}`;
    case 'Error':
      return `エラー: ${event.description}`;
    default:
      return jobDescriptions[event.eventType] ?? event.description;
  }
}

export const upcomingDescriptions = {
  en: { stageStart: (s: string) => `${s} starts`, stageCompletion: (s: string) => `${s} completes`, jobCompletion: 'Job completes' },
  ja: { stageStart: (s: string) => `${s}ステージ開始予定`, stageCompletion: (s: string) => `${s}ステージ完了予定`, jobCompletion: 'ジョブ完了予定' },
} as const;
