import { base } from '../lib/session.ts';
import { useTitle } from '../lib/hooks.ts';

export function NotFoundPage() {
  useTitle('Not found');
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is nothing here for your account. <a href={`${base}/`}>Go to your start page</a>.
      </p>
    </section>
  );
}
