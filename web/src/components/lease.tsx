import { duration } from '../lib/format.ts';
import { useNow } from '../lib/hooks.ts';

/** Who holds a review and for how long. */
export function Lease({ claimedBy, leaseExpiresAt, me }: { claimedBy: string | null; leaseExpiresAt: string | null; me: string }) {
  const now = useNow();
  if (!claimedBy || !leaseExpiresAt) return <span class="muted">Not claimed</span>;
  const left = new Date(leaseExpiresAt).getTime() - now;
  if (left <= 0) return <span class="muted">Claim expired</span>;
  return (
    <span class={claimedBy === me ? 'lease mine' : 'lease theirs'} data-testid="lease">
      {claimedBy === me ? 'Claimed by you' : 'Claimed by another grader'} · {duration(left)} left
    </span>
  );
}
