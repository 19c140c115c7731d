/** The text of src/lib/protocol/ops.gen.ts for a parsed schemas/ops.json (see gen-ops.mjs). */
export function generateOps(schema: unknown): string
