// The VSTEP score bands, as every rubric prompt states them.

export const bands = `Score each criterion from 0 to 10 in steps of 0.5:
- 8.5-10 (C1): fully effective; wide, precise range; rare, minor slips.
- 6-8 (B2): clearly effective; good range; errors do not impede meaning.
- 4-5.5 (B1): generally effective; adequate range; noticeable errors, meaning mostly clear.
- 0-3.5 (below B1): limited; frequent errors obscure meaning, or the task is barely addressed.`;
