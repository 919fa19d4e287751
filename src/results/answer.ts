import { z } from 'zod';
import { capStructured, capText } from './cap.js';
import { TRIM_PLANS } from './plans.js';
import { pageUri, type ResultStore, resultUri } from './store.js';

/**
 * Every tool answer goes through here: structuredContent over the budget is cut (src/results/cap.ts) and says in
 * `omitted` what it left out and where the whole answer is; the readable text gets half the budget.
 */

const LISTED_ARRAYS = 8;
/** Cutting is not exactly proportional (items are whole): a few tries, each with the overshoot added to the reserve. */
const MAX_ATTEMPTS = 8;

export const omittedSchema = z
  .object({
    chars: z.number().int().describe('Characters left out'),
    of: z.number().int().describe('Characters of the whole answer'),
    result: z.string().describe('Resource with the whole answer'),
    arrays: z.array(
      z
        .object({ path: z.string(), kept: z.number().int(), of: z.number().int(), page: z.string() })
        .describe(
          'An array that kept some of its items (most important first); page: resource with them all, from index 0',
        ),
    ),
    moreArrays: z.number().int().optional().describe('Further arrays cut, not listed'),
    cutStrings: z.number().int().optional().describe('Long strings shortened'),
  })
  .describe('Present when the answer was over the result budget');

export type Omitted = z.infer<typeof omittedSchema>;

/** A tool's output schema with the `omitted` every answer may carry. */
export function withOmitted(schema: z.ZodObject): z.ZodObject {
  return schema.extend({ omitted: omittedSchema.optional() });
}

export interface CappedAnswer {
  structured: Record<string, unknown>;
  text: string;
}

export function capAnswer(
  tool: string,
  answer: CappedAnswer,
  budget: number,
  store: ResultStore,
): CappedAnswer & { omitted?: Omitted } {
  const textBudget = Math.floor(budget / 2);
  const fullChars = JSON.stringify(answer.structured).length;
  if (fullChars <= budget && answer.text.length <= textBudget) return answer;
  const id = store.keep(answer.structured, fullChars, budget);
  const whole = resultUri(id);
  const text = capText(answer.text, textBudget, whole);
  if (fullChars <= budget) return { structured: answer.structured, text };
  const plan = TRIM_PLANS[tool] ?? [];
  // The note is part of the answer: cut to the budget less its size, measured and tried again if it grew.
  let reserve = 800;
  for (let attempt = 1; ; attempt++) {
    const cut = capStructured(answer.structured, budget - reserve, plan, fullChars);
    const arrays = [...cut.arrays].sort((a, b) => b.of - b.kept - (a.of - a.kept));
    const omitted: Omitted = {
      chars: 0,
      of: fullChars,
      result: whole,
      arrays: arrays.slice(0, LISTED_ARRAYS).map((each) => ({ ...each, page: pageUri(id, each.path) })),
      ...(arrays.length > LISTED_ARRAYS ? { moreArrays: arrays.length - LISTED_ARRAYS } : {}),
      ...(cut.cutStrings > 0 ? { cutStrings: cut.cutStrings } : {}),
    };
    const structured = { ...cut.value, omitted };
    omitted.chars = Math.max(0, fullChars - (JSON.stringify(structured).length - JSON.stringify(omitted).length));
    const chars = JSON.stringify(structured).length;
    if (chars <= budget || attempt === MAX_ATTEMPTS) {
      const note = `\n(answer cut to ${chars} of ${fullChars} characters, most important first; omitted says what was left out, the whole result: ${whole})`;
      return { structured, text: `${text}${note}`, omitted };
    }
    reserve += chars - budget + 50 * attempt;
  }
}
