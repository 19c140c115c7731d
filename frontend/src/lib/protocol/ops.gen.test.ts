/* ops.gen.ts is generated from schemas/ops.json and committed, so the app builds without a
 * generation step; this test runs the generator in memory and fails while the file is stale. */
import { describe, expect, it } from 'vitest'

import schema from '../../../../schemas/ops.json'
import { generateOps } from '../../../scripts/gen-ops.mjs'
import committed from './ops.gen.ts?raw'

describe('ops.gen.ts', () => {
  it('is what scripts/gen-ops.mjs makes of schemas/ops.json', () => {
    expect(committed, 'ops.gen.ts is stale: run `node scripts/gen-ops.mjs` in frontend/').toBe(generateOps(schema))
  })

  it('refuses a schema it cannot type', () => {
    const bad = (args: unknown) => () => generateOps({ version: 2, ops: [{ op: 'x.y', args }] })
    expect(bad({ n: { type: 'float' } })).toThrow(/ops\[0\] \(x\.y\)\.args\.n: unknown type "float"/)
    expect(() => generateOps({ ops: [{ op: 'x.y', access: ['everyone'] }] })).toThrow(/access/)
    expect(() => generateOps({ ops: [{ op: 'x.y' }, { op: 'x.y' }] })).toThrow(/listed twice/)
  })
})
