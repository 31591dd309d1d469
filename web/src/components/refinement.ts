// What the refine chat shows of a text's history, for follow-ups and summaries alike.

export interface Instructed {
  version: number
  instruction: string
}

interface KeptVersion {
  version: number
  source: string
  instruction?: string | null
  based_on?: number | null
}

/** How a version came about, in words; `made` names the first, the analysis's. */
export function howMade(version: KeptVersion, made: Record<string, string>): string {
  if (version.source === 'ai_refinement' && version.instruction) {
    return `${made.ai_refinement} as you asked: “${version.instruction}”`
  }
  if (version.source === 'revert' && version.based_on) return `back to version ${version.based_on}`
  return made[version.source] ?? version.source
}

/** The refinements that made the current text: those in a row up to it (an edit or a revert starts afresh). */
export function instructionsBehind(versions: KeptVersion[]): Instructed[] {
  const chain: Instructed[] = []
  for (const version of [...versions].reverse()) {
    if (version.source !== 'ai_refinement' || !version.instruction) break
    chain.unshift({ version: version.version, instruction: version.instruction })
  }
  return chain
}
