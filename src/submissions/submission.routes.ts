import { Router } from 'express';
import { NotFoundError, UnsupportedMediaTypeError } from '../http/errors.ts';
import { validated } from '../http/middleware/validate.ts';
import { presentSubmission } from './submission.presenter.ts';
import { createWritingSubmissionSchema, submissionIdParams } from './submission.schemas.ts';
import type { SubmissionService } from './submission.service.ts';

export function submissionRoutes(service: SubmissionService): Router {
  const router = Router();

  router.post(
    '/submissions',
    (req, _res, next) => {
      if (!req.is('application/json')) {
        throw new UnsupportedMediaTypeError('Writing submissions are sent as application/json.');
      }
      next();
    },
    validated({ body: createWritingSubmissionSchema }, async ({ body }, _req, res) => {
      const submission = await service.createWriting(body, res.locals.requestId);
      const self = `/submissions/${submission.id}`;
      res.status(202).location(self).json(presentSubmission(submission, { self }));
    }),
  );

  router.get(
    '/submissions/:id',
    validated({ params: submissionIdParams }, async ({ params }, _req, res) => {
      const submission = await service.get(params.id);
      if (!submission) throw new NotFoundError('No submission with this id.');
      res.json(presentSubmission(submission, { self: `/submissions/${submission.id}` }));
    }),
  );

  return router;
}
