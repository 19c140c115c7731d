#!/usr/bin/env node
// Writes src/lib/protocol/ops.gen.ts from ../schemas/ops.json, the one table of ops: the
// names a client may call, each op's args as a TypeScript interface, which ops take an idem,
// which are safe to send again, and who may call each. The server's op table and argument
// checks come from the same file, so the client cannot drift from what the server accepts.
//
//   node scripts/gen-ops.mjs      (in frontend/) after changing schemas/ops.json
//
// Plain Node, no dependencies. generateOps() is pure so a unit test can run it in memory and
// compare with the committed file.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const SCHEMA = new URL('../../schemas/ops.json', import.meta.url)
const OUT = new URL('../src/lib/protocol/ops.gen.ts', import.meta.url)

const ACCESS = ['public', 'player', 'overlay', 'internal']
const IDEM = ['none', 'optional', 'required']
const TYPES = ['int', 'string', 'bool', 'array', 'map', 'any']
const CHARSETS = { word: '[A-Za-z0-9_]', hex: 'lowercase hex', seed: 'seed characters' }

/** A schema mistake stops the build with the op and the path of the bad entry. */
function fail(where, msg) {
  throw new Error(`schemas/ops.json: ${where}: ${msg}`)
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/

function key(name) {
  return IDENT.test(name) ? name : `'${name}'`
}

/** 'wallet.daily_bonus' -> 'WalletDailyBonus'. */
function pascal(op) {
  return op
    .split(/[._]/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('')
}

function literal(v) {
  return typeof v === 'string' ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(v)
}

/** The constraints the server checks, as a doc comment: the type alone does not say them. */
function describe(spec) {
  const parts = []
  const what = spec.type === 'string' ? 'length ' : spec.type === 'array' ? 'items ' : ''
  if (spec.min !== undefined && spec.max !== undefined) parts.push(`${what}${spec.min}..${spec.max}`)
  else if (spec.min !== undefined) parts.push(`${what}>= ${spec.min}`)
  else if (spec.max !== undefined) parts.push(`${what}<= ${spec.max}`)
  if (spec.charset) parts.push(CHARSETS[spec.charset])
  if (spec.code) parts.push(`out of range: ${spec.code}`)
  return parts.join(', ')
}

/** The TypeScript type of one value's schema; nested maps are written inline at `indent`. */
function typeOf(spec, where, indent) {
  if (!spec || typeof spec !== 'object') fail(where, 'an argument schema must be an object')
  if (!TYPES.includes(spec.type)) fail(where, `unknown type ${JSON.stringify(spec.type)}`)
  if (spec.charset !== undefined && !(spec.charset in CHARSETS)) fail(where, `unknown charset ${JSON.stringify(spec.charset)}`)
  switch (spec.type) {
    case 'int':
      return spec.enum ? spec.enum.map(literal).join(' | ') : 'number'
    case 'string':
      return spec.enum ? spec.enum.map(literal).join(' | ') : 'string'
    case 'bool':
      return 'boolean'
    case 'any':
      return 'unknown'
    case 'array': {
      if (!spec.items) return 'unknown[]'
      const item = typeOf(spec.items, `${where}.items`, indent)
      return /[ |]/.test(item) && !item.startsWith('{') ? `Array<${item}>` : `${item}[]`
    }
    case 'map':
      return spec.fields ? objectOf(spec.fields, `${where}.fields`, indent) : 'Record<string, unknown>'
  }
}

/** An object type with one member per field: required ones plain, the others optional. */
function objectOf(fields, where, indent) {
  const names = Object.keys(fields)
  if (names.length === 0) return 'Record<string, never>'
  const inner = `${indent}  `
  const lines = names.map((name) => {
    const spec = fields[name]
    const doc = describe(spec ?? {})
    const member = `${inner}${key(name)}${spec?.required ? '' : '?'}: ${typeOf(spec, `${where}.${name}`, inner)}`
    return doc ? `${inner}/** ${doc} */\n${member}` : member
  })
  return `{\n${lines.join('\n')}\n${indent}}`
}

/** Defaults filled in, values checked: the shape the rest of the generator reads. */
function normalise(entry, i) {
  const where = `ops[${i}]${entry && typeof entry.op === 'string' ? ` (${entry.op})` : ''}`
  if (!entry || typeof entry.op !== 'string' || !/^[a-z_]+(\.[a-z_]+)+$/.test(entry.op)) fail(where, 'op must be a name like domain.verb')
  const access = entry.access ?? ['player']
  if (!Array.isArray(access) || access.length === 0 || access.some((a) => !ACCESS.includes(a))) fail(where, `access must list some of ${ACCESS.join(', ')}`)
  const idem = entry.idem ?? 'none'
  if (!IDEM.includes(idem)) fail(where, `idem must be one of ${IDEM.join(', ')}`)
  if (entry.resend !== undefined && typeof entry.resend !== 'boolean') fail(where, 'resend must be true or false')
  const args = entry.args ?? {}
  if (typeof args !== 'object' || Array.isArray(args)) fail(where, 'args must be a map of names to schemas')
  return { op: entry.op, access, idem, resend: entry.resend === true, args, where }
}

function unionOf(names, indent = '  ') {
  return names.length === 0 ? ' never' : names.map((n) => `\n${indent}| ${literal(n)}`).join('')
}

function setOf(names) {
  return names.length === 0 ? '[]' : `[\n${names.map((n) => `  ${literal(n)},`).join('\n')}\n]`
}

/** The text of ops.gen.ts for a parsed ops.json. */
export function generateOps(schema) {
  if (!schema || !Array.isArray(schema.ops)) fail('ops', 'missing')
  const all = schema.ops.map(normalise)
  const seen = new Set()
  for (const o of all) {
    if (seen.has(o.op)) fail(o.where, 'listed twice')
    seen.add(o.op)
  }
  // What a client may call: internal-only ops are another domain's, never a connection's.
  const ops = all.filter((o) => o.access.some((a) => a !== 'internal'))
  const names = ops.map((o) => o.op)

  const out = []
  out.push(`/* Generated by scripts/gen-ops.mjs from schemas/ops.json (version ${schema.version}). Do not edit:
 * change the schema and run \`node scripts/gen-ops.mjs\` in frontend/ (a unit test fails while
 * this file is stale). The reply data types are hand-written in types.ts. */

/** Who may call an op: before authentication, a player, a read-only overlay, another domain. */
export type Access = ${ACCESS.map(literal).join(' | ')}

/** Every op a client may call (the schema's ops that are not internal-only). */
export type OpName =${unionOf(names)}
`)
  for (const o of ops) {
    const body = objectOf(o.args, `${o.where}.args`, '')
    const name = `${pascal(o.op)}Args`
    out.push(body.startsWith('{') ? `export interface ${name} ${body}\n` : `export type ${name} = ${body}\n`)
  }
  out.push(`/** Each op's args, from its schema: required ones plain, the others optional. */
export interface OpArgs {
${ops.map((o) => `  ${literal(o.op)}: ${pascal(o.op)}Args`).join('\n')}
}

/** Who may call each op. */
export const OP_ACCESS: { readonly [O in OpName]: readonly Access[] } = {
${ops.map((o) => `  ${literal(o.op)}: [${o.access.map(literal).join(', ')}],`).join('\n')}
}

/** Ops that move currency or items: sent with a top-level idem, retried with the same one. */
export const IDEM_OPS: ReadonlySet<OpName> = new Set<OpName>(${setOf(ops.filter((o) => o.idem !== 'none').map((o) => o.op))})

/** Ops that change nothing when sent again after a lost reply (reads, and writes with an
 * idem): the client re-sends them on the next connection; any other op fails DISCONNECTED. */
export const RESEND_SAFE: ReadonlySet<OpName> = new Set<OpName>(${setOf(ops.filter((o) => o.resend).map((o) => o.op))})
`)
  return out.join('\n')
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const schema = JSON.parse(readFileSync(SCHEMA, 'utf8'))
  writeFileSync(OUT, generateOps(schema))
  console.log(`wrote ${fileURLToPath(OUT)}`)
}
