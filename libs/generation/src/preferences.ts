// "Usage habits and preferences": per-user counts of styles and prompt types, from finished jobs.

export const PROMPT_TYPES = ['people', 'animals', 'nature', 'city', 'product', 'abstract', 'other'] as const;
export type PromptType = (typeof PROMPT_TYPES)[number];

const KEYWORDS: ReadonlyArray<[PromptType, RegExp]> = [
  ['people', /\b(man|woman|person|people|child|girl|boy|dancer|crowd|portrait)\b/i],
  ['animals', /\b(cat|dog|bird|horse|animal|fish|whale|lion|tiger|fox)\b/i],
  ['nature', /\b(forest|ocean|sea|mountain|river|sunset|beach|desert|waterfall|sky)\b/i],
  ['city', /\b(city|street|building|skyline|car|traffic|neon|downtown)\b/i],
  ['product', /\b(product|bottle|shoe|watch|phone|logo|brand|advert)\b/i],
  ['abstract', /\b(abstract|pattern|fractal|shapes|particles|liquid)\b/i],
];

export function classifyPromptType(prompt: string): PromptType {
  for (const [type, re] of KEYWORDS) if (re.test(prompt)) return type;
  return 'other';
}

export interface PreferenceCounts {
  styles: Record<string, number>;
  promptTypes: Record<string, number>;
  models: Record<string, number>;
  jobs: number;
}

export function emptyPreferences(): PreferenceCounts {
  return { styles: {}, promptTypes: {}, models: {}, jobs: 0 };
}

/** Adds one job to the aggregate (pure: returns a new object). */
export function addToPreferences(prev: PreferenceCounts, job: { style: string | null; prompt: string; model: string }): PreferenceCounts {
  const style = job.style ?? 'none';
  const type = classifyPromptType(job.prompt);
  return {
    styles: { ...prev.styles, [style]: (prev.styles[style] ?? 0) + 1 },
    promptTypes: { ...prev.promptTypes, [type]: (prev.promptTypes[type] ?? 0) + 1 },
    models: { ...prev.models, [job.model]: (prev.models[job.model] ?? 0) + 1 },
    jobs: prev.jobs + 1,
  };
}
