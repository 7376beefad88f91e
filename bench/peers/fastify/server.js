'use strict'
// The classic task API in Fastify: JSON-schema validation of the body and
// schema-compiled response serialization (fast-json-stringify), logger off.
//
//   node server.js PORT            one process
//   node server.js PORT WORKERS    node:cluster primary + WORKERS workers
//
// Tasks live in a Map in each process (workers share nothing: a task created
// through one worker is not seen by the other); every process preloads the
// same 1,000 fixture tasks.
const cluster = require('node:cluster')
const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')

const port = Number(process.argv[2] || 3000)
const workers = Number(process.argv[3] || 0)

if (workers > 0 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork()
  cluster.on('exit', (worker, code, signal) => {
    if (!shuttingDown) console.error(`worker ${worker.process.pid} died (${signal || code})`)
  })
  let shuttingDown = false
  process.on('SIGTERM', () => {
    shuttingDown = true
    for (const id in cluster.workers) cluster.workers[id].process.kill('SIGTERM')
    cluster.disconnect(() => process.exit(0))
  })
  console.log(`fastify cluster primary ${process.pid}, ${workers} workers on port ${port}`)
} else {
  start()
}

function start () {
  // removeAdditional: false makes additionalProperties: false reject unknown
  // fields (Fastify's default strips them), as the other peers do.
  const fastify = require('fastify')({
    logger: false,
    ajv: { customOptions: { removeAdditional: false } }
  })
  // Validation failures are 422 (Fastify's default is 400).
  fastify.setErrorHandler((error, request, reply) => {
    if (error.validation) {
      return reply.code(422).send({ detail: error.validation.map((e) => ({ loc: e.instancePath, msg: e.message })) })
    }
    reply.send(error)
  })
  const fixture = process.env.TASKS_FIXTURE ||
    path.join(__dirname, '..', '..', 'fixtures', 'tasks.json')
  const tasks = new Map()
  for (const t of JSON.parse(fs.readFileSync(fixture, 'utf8'))) tasks.set(t.id, t)

  const status = { type: 'string', enum: ['pending', 'in_progress', 'done'] }
  const taskSchema = {
    type: 'object',
    properties: {
      id: { type: 'string' },
      title: { type: 'string' },
      description: { type: 'string' },
      status,
      priority: { type: 'integer' },
      due_at: { type: ['string', 'null'] },
      tags: { type: 'array', items: { type: 'string' } },
      created_at: { type: 'string' },
      updated_at: { type: 'string' },
      version: { type: 'integer' }
    }
  }
  const newTaskSchema = {
    type: 'object',
    required: ['title'],
    additionalProperties: false,
    properties: {
      title: { type: 'string', minLength: 1, maxLength: 200 },
      description: { type: 'string', maxLength: 2000, default: '' },
      status: { ...status, default: 'pending' },
      priority: { type: 'integer', minimum: 1, maximum: 5, default: 1 },
      due_at: { type: ['string', 'null'], format: 'date-time', default: null },
      tags: {
        type: 'array',
        maxItems: 20,
        items: { type: 'string', minLength: 1, maxLength: 50 },
        default: []
      }
    }
  }

  fastify.get('/healthz', async () => ({ status: 'ok' }))

  fastify.get('/tasks/:id', {
    schema: { params: { type: 'object', properties: { id: { type: 'string' } } }, response: { 200: taskSchema } }
  }, async (request, reply) => {
    const task = tasks.get(request.params.id)
    if (task === undefined) return reply.code(404).send({ detail: 'task not found' })
    return task
  })

  fastify.get('/tasks', {
    schema: {
      querystring: {
        type: 'object',
        properties: { status, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } }
      },
      response: {
        200: {
          type: 'object',
          properties: {
            tasks: { type: 'array', items: taskSchema },
            count: { type: 'integer' },
            next_cursor: { type: ['string', 'null'] }
          }
        }
      }
    }
  }, async (request) => {
    const { status, limit } = request.query
    const page = []
    for (const t of tasks.values()) {
      if (status !== undefined && t.status !== status) continue
      page.push(t)
      if (page.length === limit) break
    }
    return { tasks: page, count: page.length, next_cursor: null }
  })

  fastify.post('/tasks', {
    schema: { body: newTaskSchema, response: { 201: taskSchema } }
  }, async (request, reply) => {
    const now = new Date().toISOString()
    const task = {
      id: crypto.randomUUID(),
      ...request.body,
      created_at: now,
      updated_at: now,
      version: 1
    }
    tasks.set(task.id, task)
    reply.code(201).header('location', `/tasks/${task.id}`)
    return task
  })

  // Fastify's onClose hooks are not needed: nothing to flush.
  process.on('SIGTERM', () => fastify.close().then(() => process.exit(0)))

  fastify.listen({ host: '127.0.0.1', port }).then(() => {
    if (!cluster.isWorker) console.log(`fastify listening on http://127.0.0.1:${port}`)
  }, (err) => {
    console.error(err)
    process.exit(1)
  })
}
