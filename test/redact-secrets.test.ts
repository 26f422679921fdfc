// SecretRedactor, the one place secrets are cut out of what the plugin throws
// and logs: which spellings it finds, what it leaves alone, and how it walks an
// error it did not build.
import { test } from 'tap'
import { MIN_REDACTED_SECRET_LENGTH, SecretRedactor } from '../lib/util/redact-secrets.js'

const KEY = 'Pa_Live_"Quoted"\\Key/+Mixed_0123456789ABCdef'
const OTHER = 'EndUserKey0123456789abcdefMIXED'
const redactor = new SecretRedactor([KEY, undefined, OTHER])

test('text: each secret, in any case, raw, JSON-escaped or URL-encoded', async (t) => {
  const escaped = JSON.stringify(KEY).slice(1, -1)
  const cases: Array<[string, string]> = [
    [`key ${KEY}.`, 'key [redacted].'],
    [`KEY ${KEY.toUpperCase()}`, 'KEY [redacted]'],
    [`key ${KEY.toLowerCase()}`, 'key [redacted]'],
    [`"${escaped}"`, '"[redacted]"'],
    [`"${escaped.toLowerCase()}"`, '"[redacted]"'],
    [`?key=${encodeURIComponent(KEY)}&x=1`, '?key=[redacted]&x=1'],
    [`?key=${encodeURIComponent(KEY).toLowerCase()}`, '?key=[redacted]'],
    [`http://${OTHER.toLowerCase()}.example.test`, 'http://[redacted].example.test'],
    [`${OTHER}${KEY}`, '[redacted][redacted]'],
    ['nothing secret', 'nothing secret']
  ]
  for (const [text, expected] of cases) t.equal(redactor.text(text), expected, expected)
})

test(`secrets shorter than ${MIN_REDACTED_SECRET_LENGTH} characters are not looked for`, async (t) => {
  const short = new SecretRedactor(['e', 'test', 'x'.repeat(MIN_REDACTED_SECRET_LENGTH - 1)])
  const text = `test user e ${'x'.repeat(MIN_REDACTED_SECRET_LENGTH - 1)}`
  t.equal(short.text(text), text)
  t.equal(short.json('{"e":"test"}'), '{"e":"test"}')
  t.equal(new SecretRedactor([]).text(text), text)
  t.equal(new SecretRedactor(['x'.repeat(MIN_REDACTED_SECRET_LENGTH)]).text(`a${'X'.repeat(MIN_REDACTED_SECRET_LENGTH)}b`), 'a[redacted]b', 'from that length on they are')
})

test('json: a body holding a secret comes back as JSON with it cut out, however the body escaped it; one holding none, as sent', async (t) => {
  const spacious = '{ "error" : "nothing here" }'
  t.equal(redactor.json(spacious), spacious, 'no secret: byte for byte')
  t.equal(redactor.json('not json'), 'not json')
  t.equal(redactor.json(`not json ${OTHER}`), 'not json [redacted]')
  const slashes = JSON.stringify({ error: `bad ${KEY}` }).replaceAll('/', '\\/')
  t.same(JSON.parse(redactor.json(slashes)), { error: 'bad [redacted]' }, 'a `\\/` escape does not hide it')
  const unicode = JSON.stringify({ error: `bad ${OTHER}` }).replace('E', '\\u0045')
  t.same(JSON.parse(redactor.json(unicode)), { error: 'bad [redacted]' }, 'nor a `\\u` escape')
  t.same(JSON.parse(redactor.json(JSON.stringify({ [OTHER]: [OTHER.toUpperCase()], n: 1, ok: true, none: null }))), { '[redacted]': ['[redacted]'], n: 1, ok: true, none: null }, 'field names too; other values kept')
})

test('data: plain data is copied with the secrets cut out; instances of classes are left as they are', async (t) => {
  const date = new Date(0)
  const value = { list: [OTHER, 1], nested: { deep: `x ${OTHER}` }, date }
  const copy = redactor.data(value) as typeof value
  t.same(copy, { list: ['[redacted]', 1], nested: { deep: 'x [redacted]' }, date })
  t.equal(copy.date, date)
  t.equal(value.list[0], OTHER, 'the original is not changed')
  const proto = redactor.data(JSON.parse(`{"__proto__":{"key":"${OTHER}"}}`)) as object
  t.equal(Object.getPrototypeOf(proto), Object.prototype, 'a `__proto__` field does not set the prototype')
  t.same(Object.getOwnPropertyDescriptor(proto, '__proto__')?.value, { key: '[redacted]' }, 'it stays a field')
})

test('error: message, stack, fields, causes and nested errors, in place', async (t) => {
  const inner = new Error(`inner ${OTHER}`)
  const aggregate = new AggregateError([new Error(`first ${KEY}`)], 'several')
  const error = Object.assign(new Error(`outer ${OTHER.toLowerCase()}`, { cause: inner }), {
    body: { said: [OTHER] },
    text: `said ${OTHER}`,
    status: 500,
    instance: new URL(`http://example.test/${OTHER}`),
    nested: aggregate
  })
  Object.defineProperty(error, 'fixed', { value: `fixed ${OTHER}`, enumerable: true, writable: false })
  ;(inner as Error & { back?: Error }).back = error
  t.equal(redactor.error(error), error, 'the same error')
  t.equal(error.message, 'outer [redacted]')
  t.match(error.stack, /^Error: outer \[redacted\]\n/)
  t.same(error.body, { said: ['[redacted]'] })
  t.equal(error.text, 'said [redacted]')
  t.equal(error.status, 500)
  t.type(error.instance, URL, 'an instance of a class is left as it is')
  t.equal(inner.message, 'inner [redacted]', 'the cause')
  t.match(inner.stack, /^Error: inner \[redacted\]\n/)
  t.equal(aggregate.errors[0].message, 'first [redacted]', 'an AggregateError\'s errors')
  t.equal((error as unknown as { fixed: string }).fixed, `fixed ${OTHER}`, 'a read-only field cannot be changed, and does not make it throw')

  let deep: Error = new Error(`bottom ${OTHER}`)
  const bottom = deep
  for (let i = 0; i < 20; i++) deep = new Error('level', { cause: deep })
  redactor.error(deep)
  t.equal(bottom.message, `bottom ${OTHER}`, 'a runaway chain is followed only so far')
  t.equal(redactor.error('not an error'), 'not an error')
})
