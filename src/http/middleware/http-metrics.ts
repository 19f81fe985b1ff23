// Request duration by method, route pattern and status. The route is the matched pattern
// ("/submissions/:id"), never the raw URL, so ids do not explode the label set.
import type { RequestHandler } from 'express';
import { httpRequestDuration } from '../../lib/metrics.ts';

export const httpMetrics: RequestHandler = (req, res, next) => {
  const end = httpRequestDuration.startTimer();
  res.on('finish', () => {
    const pattern = req.route?.path as string | undefined;
    end({ method: req.method, route: pattern ? `${req.baseUrl}${pattern}` : 'unmatched', status: String(res.statusCode) });
  });
  next();
};
