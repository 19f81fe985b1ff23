// The task bank: admins author, version, publish and archive tasks; everyone reads them
// (students only the published ones, without the grader notes).
import type { Response } from 'express';
import { principalOf } from '../auth/auth.middleware.ts';
import { roles } from '../domain/roles.ts';
import { NotFoundError } from '../lib/http/errors.ts';
import { operationOf, problems } from '../lib/http/operation.ts';
import { createTaskSchema, examTaskPageSchema, examTaskSchema, taskChangesSchema, taskIdParams, taskListQuery, updateTaskSchema } from './task.schemas.ts';
import { presentTask, type TaskService } from './task.service.ts';

const operation = operationOf<{ service: TaskService }>();
const tag = 'Task bank';

const staff = (res: Response) => principalOf(res.locals).role !== 'student';
const asStaff = { staff: true };

export const taskRoutes = [
  operation({
    method: 'post',
    path: '/admin/tasks',
    summary: 'Author a task (a draft) with its marking policy',
    tag,
    roles: ['admin'],
    body: createTaskSchema,
    responses: { 201: { description: 'Created as a draft', schema: examTaskSchema }, ...problems(400, 401, 403, 413, 415, 422) },
    handler: async ({ body }, { res, deps, reply }) => {
      const task = presentTask(await deps.service.create(principalOf(res.locals), body), asStaff);
      res.location(task.links.self);
      return reply(201, task);
    },
  }),
  operation({
    method: 'patch',
    path: '/admin/tasks/:id',
    summary: 'Edit a draft task (a published one is frozen: make a new version)',
    tag,
    roles: ['admin'],
    params: taskIdParams,
    body: updateTaskSchema,
    responses: { 200: { description: 'The edited draft', schema: examTaskSchema }, ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
    handler: async ({ params, body }, { deps, reply }) => reply(200, presentTask(await deps.service.update(params.id, body), asStaff)),
  }),
  operation({
    method: 'post',
    path: '/admin/tasks/:id/versions',
    summary: "Start the task's next version, as a draft (with the changes given)",
    tag,
    roles: ['admin'],
    params: taskIdParams,
    body: taskChangesSchema,
    bodyOptional: true,
    responses: { 201: { description: 'The new draft version', schema: examTaskSchema }, ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
    handler: async ({ params, body }, { res, deps, reply }) => {
      const task = presentTask(await deps.service.newVersion(principalOf(res.locals), params.id, body ?? {}), asStaff);
      res.location(task.links.self);
      return reply(201, task);
    },
  }),
  operation({
    method: 'post',
    path: '/admin/tasks/:id/publish',
    summary: 'Publish a draft: it takes answers, and its earlier published version is archived',
    tag,
    roles: ['admin'],
    params: taskIdParams,
    responses: { 200: { description: 'Published', schema: examTaskSchema }, ...problems(400, 401, 403, 404, 409) },
    handler: async ({ params }, { deps, reply }) => reply(200, presentTask(await deps.service.publish(params.id), asStaff)),
  }),
  operation({
    method: 'post',
    path: '/admin/tasks/:id/archive',
    summary: 'Archive a task: it takes no more answers',
    tag,
    roles: ['admin'],
    params: taskIdParams,
    responses: { 200: { description: 'Archived', schema: examTaskSchema }, ...problems(400, 401, 403, 404) },
    handler: async ({ params }, { deps, reply }) => reply(200, presentTask(await deps.service.archive(params.id), asStaff)),
  }),
  operation({
    method: 'get',
    path: '/tasks',
    summary: 'The task bank, newest first (students: published tasks only)',
    tag,
    roles,
    query: taskListQuery,
    responses: { 200: { description: 'A page', schema: examTaskPageSchema }, ...problems(400, 401) },
    handler: async ({ query }, { res, deps, reply }) => {
      const page = await deps.service.list(principalOf(res.locals), query);
      const viewer = { staff: staff(res) };
      return reply(200, { items: page.items.map((t) => presentTask(t, viewer)), nextCursor: page.nextCursor });
    },
  }),
  operation({
    method: 'get',
    path: '/tasks/:id',
    summary: 'One task (students: a published one)',
    tag,
    roles,
    params: taskIdParams,
    responses: { 200: { description: 'The task', schema: examTaskSchema }, ...problems(400, 401, 404) },
    handler: async ({ params }, { res, deps, reply }) => {
      const task = await deps.service.get(params.id, principalOf(res.locals));
      if (!task) throw new NotFoundError('No task with this id.');
      return reply(200, presentTask(task, { staff: staff(res) }));
    },
  }),
];
