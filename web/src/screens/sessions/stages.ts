// The pipeline's stages as a coach reads them.

const STAGE_LABEL: Record<string, string> = {
  chunk: 'reading the transcript',
  analyse: 'analysing',
  embed: 'indexing for search',
  notify: 'finishing',
}

export function stageLabel(stage: string | null | undefined): string | null {
  return stage ? (STAGE_LABEL[stage] ?? stage) : null
}
